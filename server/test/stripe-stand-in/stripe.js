/**
 * A stand-in of Stripe.js (the `endive` release's interface), for browser tests and demos that cannot
 * reach js.stripe.com. It defines `window.Stripe` as Stripe's script does, with the part of the
 * interface a storefront on the Payment Element and the Express Checkout Element uses:
 *
 *   Stripe(publishableKey) → stripe
 *   stripe.elements({ clientSecret } | { mode, amount, currency }) → elements
 *   elements.create('payment' | 'expressCheckout'), getElement, update, submit, fetchUpdates
 *   element.mount, unmount, destroy, on/off/once ('ready', 'change', 'click', 'confirm', 'cancel',
 *     'shippingaddresschange', 'shippingratechange'), update, focus
 *   stripe.confirmPayment, handleNextAction, retrievePaymentIntent
 *
 * Card details are typed into a plain form in the page (Stripe's are in its own frames) and sent
 * with the publishable key and the client secret to the stand-in API on the same origin, at
 * Stripe's paths. 3-D Secure is challenged in the page or, for a card the API sends to a bank's
 * page, by redirect to return_url, as Stripe.js does. The wallet is "Link" with a fixed address; a
 * test makes the browser offer no wallet with localStorage `stripe-stand-in:wallets` = `none`.
 */
(function () {
  'use strict';

  const walletIdentity = {
    name: 'Ada Runner',
    email: 'wallet@example.com',
    phone: '+15035550100',
    address: {
      line1: '1 Track Lane',
      line2: null,
      city: 'Portland',
      state: 'OR',
      postal_code: '97201',
      country: 'US',
    },
  };

  const integrationError = (message) => {
    const error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  };

  const intentIdOf = (clientSecret) => String(clientSecret).split('_secret_')[0];

  async function call(method, path, form) {
    try {
      const response = await fetch(path, {
        method,
        headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      return { status: response.status, body: await response.json() };
    } catch {
      return {
        status: 0,
        body: {
          error: {
            type: 'api_connection_error',
            message: 'We could not reach Stripe. Check your connection and try again.',
          },
        },
      };
    }
  }

  function node(tag, props, children) {
    const element = document.createElement(tag);
    Object.assign(element, props || {});
    for (const child of children || []) element.append(child);
    return element;
  }

  class Emitter {
    constructor() {
      this.handlers = new Map();
    }
    on(event, handler) {
      if (!this.handlers.has(event)) this.handlers.set(event, new Set());
      this.handlers.get(event).add(handler);
      return this;
    }
    off(event, handler) {
      this.handlers.get(event)?.delete(handler);
      return this;
    }
    once(event, handler) {
      const once = (payload) => {
        this.off(event, once);
        handler(payload);
      };
      return this.on(event, once);
    }
    listens(event) {
      return (this.handlers.get(event)?.size ?? 0) > 0;
    }
    emit(event, payload) {
      for (const handler of [...(this.handlers.get(event) ?? [])]) handler(payload);
    }
  }

  /** A modal dialog in the page: the wallet's sheet and the 3-D Secure challenge. */
  function dialog(label, children) {
    const box = node('div', { role: 'dialog', ariaModal: 'true', ariaLabel: label }, children);
    box.style.cssText =
      'background:#fff;color:#111;padding:1.5rem;border-radius:8px;max-width:26rem;width:90%;font:16px system-ui,sans-serif';
    const backdrop = node('div', {}, [box]);
    backdrop.dataset.standIn = 'dialog';
    backdrop.style.cssText =
      'position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647';
    document.body.append(backdrop);
    return { close: () => backdrop.remove() };
  }

  function button(text, onClick) {
    const element = node('button', { type: 'button', textContent: text });
    element.style.cssText = 'margin:.5rem .5rem 0 0;padding:.5rem 1rem;font:inherit';
    element.addEventListener('click', onClick);
    return element;
  }

  /** The stand-in's 3-D Secure challenge in the page; resolves with the shopper's answer. */
  function challengeInPage(intent) {
    return new Promise((resolve) => {
      const answer = (passed) => () => {
        sheet.close();
        resolve(passed);
      };
      const amount = `${(intent.amount / 100).toFixed(2)} ${intent.currency.toUpperCase()}`;
      const sheet = dialog('3D Secure authentication', [
        node('h2', { textContent: '3D Secure authentication (stand-in)' }),
        node('p', { textContent: `Your bank asks you to confirm a payment of ${amount}.` }),
        button('Complete authentication', answer(true)),
        button('Fail authentication', answer(false)),
      ]);
    });
  }

  /** What every element does alike: where it mounts, and going away. */
  class MountedElement extends Emitter {
    constructor(elements) {
      super();
      this.elements = elements;
      this.root = null;
    }
    container(target) {
      const parent = typeof target === 'string' ? document.querySelector(target) : target;
      if (!parent) throw integrationError('The selector you specified matches no element.');
      return parent;
    }
    unmount() {
      this.root?.remove();
      this.root = null;
    }
    destroy() {
      this.unmount();
      this.handlers.clear();
    }
  }

  class PaymentElement extends MountedElement {
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

  class ExpressCheckoutElement extends MountedElement {
    constructor(elements, options) {
      super(elements);
      this.options = { ...options };
    }
    mount(target) {
      const parent = this.container(target);
      let offered = true;
      try {
        offered = localStorage.getItem('stripe-stand-in:wallets') !== 'none';
      } catch {
        // No storage: the wallet is offered.
      }
      this.root = node('div');
      this.root.dataset.standIn = 'expressCheckout';
      if (offered) {
        const link = button('Pay with Link', () => this.start());
        link.style.cssText =
          'width:100%;padding:.75rem;border:0;border-radius:6px;background:#00d66f;color:#011e0f;font:600 16px system-ui,sans-serif;cursor:pointer';
        this.root.append(link);
      }
      parent.append(this.root);
      const availablePaymentMethods = offered
        ? { link: true, applePay: false, googlePay: false, paypal: false, amazonPay: false }
        : undefined;
      setTimeout(() =>
        this.emit('ready', { elementType: 'expressCheckout', availablePaymentMethods }),
      );
    }
    /** Stripe gives the `click` handler a second to resolve with what the sheet must ask for. */
    start() {
      let resolved = null;
      this.emit('click', {
        elementType: 'expressCheckout',
        expressPaymentType: 'link',
        resolve: (options) => (resolved = { ...(options || {}) }),
        reject: () => (resolved = false),
      });
      if (!this.listens('click')) resolved = {};
      setTimeout(() => {
        if (resolved === null)
          console.error('IntegrationError: the click event was not resolved within 1 second.');
        else if (resolved) void this.openSheet({ ...this.options, ...resolved });
      }, 0);
    }
    /** An answer the merchant gives through resolve() in an event handler, awaited. */
    ask(event, payload) {
      if (!this.listens(event)) return Promise.resolve({});
      return new Promise((resolve) =>
        this.emit(event, {
          ...payload,
          resolve: (o) => resolve(o || {}),
          reject: () => resolve(null),
        }),
      );
    }
    async amount() {
      if (this.elements.options.amount !== undefined) return this.elements.options.amount;
      const { body } = await call(
        'GET',
        `/v1/payment_intents/${intentIdOf(this.elements.options.clientSecret)}?key=${encodeURIComponent(this.elements.stripe.key)}&client_secret=${encodeURIComponent(this.elements.options.clientSecret)}`,
      );
      return body.amount;
    }
    async openSheet(options) {
      const currency = (this.elements.options.currency ?? 'usd').toUpperCase();
      let rates = options.shippingRates ?? [];
      if (options.shippingAddressRequired) {
        const { line1: _line1, line2: _line2, ...partial } = walletIdentity.address;
        const answer = await this.ask('shippingaddresschange', {
          elementType: 'expressCheckout',
          name: walletIdentity.name,
          address: partial,
        });
        if (answer === null) return;
        rates = answer.shippingRates ?? rates;
      }
      let rate = rates[0] ?? null;
      const total = node('p');
      const showTotal = async () => {
        total.textContent = `Total ${((await this.amount()) / 100).toFixed(2)} ${currency}`;
      };
      const rateChoices = rates.map((r, i) => {
        const radio = node('input', { type: 'radio', name: 'stand-in-rate', checked: i === 0 });
        radio.addEventListener('change', async () => {
          rate = r;
          await this.ask('shippingratechange', { elementType: 'expressCheckout', shippingRate: r });
          await showTotal();
        });
        const label = `${r.displayName} ${(r.amount / 100).toFixed(2)} ${currency}`;
        return node('label', { style: 'display:block' }, [radio, ` ${label}`]);
      });
      await showTotal();
      const sheet = dialog('Link', [
        node('h2', { textContent: 'Link (stand-in wallet)' }),
        node('p', { textContent: `${walletIdentity.name} · ${walletIdentity.email}` }),
        ...(options.shippingAddressRequired
          ? [node('p', { textContent: `Ship to 1 Track Lane, Portland, OR 97201, US` })]
          : []),
        ...rateChoices,
        total,
        button('Pay', () => {
          sheet.close();
          this.elements.expressPayment = { type: 'link' };
          this.emit('confirm', {
            elementType: 'expressCheckout',
            expressPaymentType: 'link',
            billingDetails: {
              name: walletIdentity.name,
              email: options.emailRequired ? walletIdentity.email : undefined,
              phone: options.phoneNumberRequired ? walletIdentity.phone : undefined,
              address: walletIdentity.address,
            },
            ...(options.shippingAddressRequired
              ? {
                  shippingAddress: { name: walletIdentity.name, address: walletIdentity.address },
                  shippingRate: rate,
                }
              : {}),
            paymentFailed: () => {
              this.elements.expressPayment = null;
            },
          });
        }),
        button('Cancel', () => {
          sheet.close();
          this.emit('cancel', { elementType: 'expressCheckout' });
        }),
      ]);
    }
    update(options) {
      Object.assign(this.options, options);
    }
    focus() {}
  }

  class Elements {
    constructor(stripe, options) {
      this.stripe = stripe;
      this.options = { ...(options || {}) };
      this.created = new Map();
      this.submitted = false;
      this.expressPayment = null;
    }
    create(type, options) {
      if (this.created.has(type))
        throw integrationError(`Can only create one Element of type ${type}.`);
      let element;
      if (type === 'payment') element = new PaymentElement(this);
      else if (type === 'expressCheckout') element = new ExpressCheckoutElement(this, options);
      else throw integrationError(`The stand-in of Stripe.js has no ${type} Element.`);
      this.created.set(type, element);
      const destroy = element.destroy.bind(element);
      element.destroy = () => {
        destroy();
        this.created.delete(type);
      };
      return element;
    }
    getElement(type) {
      return this.created.get(type) ?? null;
    }
    update(options) {
      Object.assign(this.options, options);
    }
    fetchUpdates() {
      return Promise.resolve({});
    }
    async submit() {
      this.submitted = true;
      const problem = this.expressPayment ? null : this.created.get('payment')?.validate();
      return problem ? { error: problem } : { selectedPaymentMethod: 'card' };
    }
  }

  class StandInStripe {
    constructor(key) {
      this.key = key;
    }
    elements(options) {
      return new Elements(this, options);
    }
    _registerWrapper() {}
    registerAppInfo() {}
    createToken() {
      return Promise.reject(integrationError('createToken is not part of the stand-in.'));
    }
    createPaymentMethod() {
      return Promise.reject(integrationError('createPaymentMethod is not part of the stand-in.'));
    }
    confirmCardPayment() {
      return Promise.reject(integrationError('confirmCardPayment is not part of the stand-in.'));
    }

    async retrievePaymentIntent(clientSecret) {
      const { status, body } = await call(
        'GET',
        `/v1/payment_intents/${intentIdOf(clientSecret)}?key=${encodeURIComponent(this.key)}&client_secret=${encodeURIComponent(clientSecret)}`,
      );
      return status === 200 ? { paymentIntent: body } : { error: body.error };
    }

    /** What follows a confirmation: a challenge, a redirect, or the answer to the caller. */
    async next(intent, options) {
      if (intent.status === 'requires_action' && intent.next_action?.type === 'redirect_to_url') {
        window.location.assign(intent.next_action.redirect_to_url.url);
        return new Promise(() => {});
      }
      if (intent.status === 'requires_action') {
        const passed = await challengeInPage(intent);
        const { status, body } = await call('POST', `/stripe-stand-in/3ds/${intent.id}`, {
          client_secret: intent.client_secret,
          outcome: passed ? 'complete' : 'fail',
        });
        if (status !== 200) return { error: body.error };
        intent = body;
        if (intent.last_payment_error)
          return { error: { ...intent.last_payment_error, payment_intent: intent } };
      }
      if (options.redirect !== 'if_required' && options.returnUrl) {
        const back = new URL(options.returnUrl);
        back.searchParams.set('payment_intent', intent.id);
        back.searchParams.set('payment_intent_client_secret', intent.client_secret);
        back.searchParams.set('redirect_status', 'succeeded');
        window.location.assign(back.toString());
        return new Promise(() => {});
      }
      return { paymentIntent: intent };
    }

    async confirmPayment({ elements, clientSecret, confirmParams = {}, redirect = 'always' } = {}) {
      if (!elements) throw integrationError('confirmPayment needs the elements instance.');
      const secret = clientSecret ?? elements.options.clientSecret;
      if (!secret) throw integrationError('confirmPayment needs a clientSecret.');
      if (!elements.options.clientSecret && !elements.submitted)
        throw integrationError('elements.submit() must be called before stripe.confirmPayment().');
      const returnUrl = confirmParams.return_url;
      if (redirect !== 'if_required' && !returnUrl)
        throw integrationError('confirmPayment needs confirmParams.return_url.');
      const wallet = elements.expressPayment;
      elements.expressPayment = null;
      const form = { key: this.key, client_secret: secret };
      if (returnUrl) form.return_url = returnUrl;
      if (wallet) form['payment_method_data[type]'] = wallet.type;
      else {
        const payment = elements.getElement('payment');
        if (!payment) throw integrationError('No Payment Element is mounted in these elements.');
        const problem = payment.validate();
        if (problem) return { error: problem };
        const card = payment.values();
        Object.assign(form, {
          'payment_method_data[type]': 'card',
          'payment_method_data[card][number]': card.number,
          'payment_method_data[card][exp_month]': card.expMonth,
          'payment_method_data[card][exp_year]': card.expYear,
          'payment_method_data[card][cvc]': card.cvc,
        });
      }
      const { status, body } = await call(
        'POST',
        `/v1/payment_intents/${intentIdOf(secret)}/confirm`,
        form,
      );
      if (status !== 200) return { error: body.error };
      return this.next(body, { redirect, returnUrl });
    }

    async handleNextAction({ clientSecret }) {
      const { paymentIntent, error } = await this.retrievePaymentIntent(clientSecret);
      if (error) return { error };
      return this.next(paymentIntent, { redirect: 'if_required' });
    }
  }

  function Stripe(publishableKey) {
    if (typeof publishableKey !== 'string' || !/^pk_(test|live)_/.test(publishableKey))
      throw integrationError('Invalid value for Stripe(): apiKey should be a publishable key.');
    return new StandInStripe(publishableKey);
  }
  // The release whose interface this stands in for (@stripe/stripe-js compares it with its own).
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
