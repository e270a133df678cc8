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
 * page, by redirect to return_url, as Stripe.js does. The wallet is "Link" (express-checkout.js).
 * The store serves these modules bundled into one classic script, as Stripe's is.
 */
import { ExpressCheckoutElement } from './express-checkout.js';
import { PaymentElement } from './payment-element.js';
import { button, call, dialog, integrationError, intentIdOf, node } from './shared.js';

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
