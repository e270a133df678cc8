import { MountedElement, node } from './shared.js';

/** The stand-in of Stripe's Payment Element: a card form in the page. */
export class PaymentElement extends MountedElement {
  field(label, name, placeholder, autocomplete) {
    const input = node('input', { name, placeholder, autocomplete, inputMode: 'numeric' });
    input.style.cssText =
      'display:block;width:100%;box-sizing:border-box;padding:.5rem;font:inherit';
    input.addEventListener('input', () => this.changed());
    const wrapper = node('label', {}, [label, input]);
    wrapper.style.cssText = 'display:block;margin:.5rem 0';
    return wrapper;
  }
  mount(target) {
    const parent = this.container(target);
    this.error = node('p', { ariaLive: 'polite' });
    this.error.style.cssText = 'color:#b00020;margin:.25rem 0';
    this.root = node('div', {}, [
      this.field('Card number', 'cardnumber', '1234 1234 1234 1234', 'cc-number'),
      this.field('Expiration date', 'exp-date', 'MM / YY', 'cc-exp'),
      this.field('Security code', 'cvc', 'CVC', 'cc-csc'),
      this.error,
    ]);
    this.root.dataset.standIn = 'payment';
    parent.append(this.root);
    setTimeout(() => this.emit('ready', { elementType: 'payment' }));
  }
  input(name) {
    return this.root?.querySelector(`input[name="${name}"]`)?.value.trim() ?? '';
  }
  values() {
    const [month, year] = this.input('exp-date')
      .split('/')
      .map((part) => part.trim());
    return {
      number: this.input('cardnumber').replace(/\s/g, ''),
      expMonth: month ?? '',
      expYear: year ?? '',
      cvc: this.input('cvc'),
    };
  }
  /** Stripe's own words for a field left incomplete, or null. */
  incomplete() {
    const { number, expMonth, expYear, cvc } = this.values();
    if (number.length < 12)
      return { code: 'incomplete_number', message: 'Your card number is incomplete.' };
    if (!/^\d{1,2}$/.test(expMonth) || !/^\d{2,4}$/.test(expYear))
      return { code: 'incomplete_expiry', message: "Your card's expiration date is incomplete." };
    if (cvc.length < 3)
      return { code: 'incomplete_cvc', message: "Your card's security code is incomplete." };
    return null;
  }
  changed() {
    this.error.textContent = '';
    const empty = Object.values(this.values()).every((value) => value === '');
    this.emit('change', {
      elementType: 'payment',
      empty,
      complete: this.incomplete() === null,
      collapsed: false,
      value: { type: 'card' },
    });
  }
  validate() {
    const problem = this.incomplete();
    this.error.textContent = problem ? problem.message : '';
    return problem ? { type: 'validation_error', ...problem } : null;
  }
  update() {}
  focus() {
    this.root?.querySelector('input')?.focus();
  }
}
