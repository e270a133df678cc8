import { button, call, dialog, intentIdOf, MountedElement, node } from './shared.js';

/**
 * The stand-in's one wallet (Link) and who it pays for. A test may give the wallet another address
 * with localStorage `stripe-stand-in:wallet-address` (Stripe's address fields, as JSON).
 */
function walletIdentity() {
  let address = {
    line1: '1 Track Lane',
    line2: null,
    city: 'Portland',
    state: 'OR',
    postal_code: '97201',
    country: 'US',
  };
  try {
    address = {
      ...address,
      ...JSON.parse(localStorage.getItem('stripe-stand-in:wallet-address') ?? '{}'),
    };
  } catch {
    // No storage, or nothing usable in it: the usual address.
  }
  return { name: 'Ada Runner', email: 'wallet@example.com', phone: '+15035550100', address };
}

/**
 * The stand-in of Stripe's Express Checkout Element: a Link button, and a sheet that asks for
 * the address and the shipping rate as a wallet does, through the element's events.
 */
export class ExpressCheckoutElement extends MountedElement {
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
    const wallet = walletIdentity();
    const currency = (this.elements.options.currency ?? 'usd').toUpperCase();
    let rates = options.shippingRates ?? [];
    if (options.shippingAddressRequired) {
      const { line1: _line1, line2: _line2, ...partial } = wallet.address;
      const answer = await this.ask('shippingaddresschange', {
        elementType: 'expressCheckout',
        name: wallet.name,
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
      node('p', { textContent: `${wallet.name} · ${wallet.email}` }),
      ...(options.shippingAddressRequired
        ? [
            node('p', {
              textContent: `Ship to ${wallet.address.line1}, ${wallet.address.city}, ${wallet.address.state} ${wallet.address.postal_code}, ${wallet.address.country}`,
            }),
          ]
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
            name: wallet.name,
            email: options.emailRequired ? wallet.email : undefined,
            phone: options.phoneNumberRequired ? wallet.phone : undefined,
            address: wallet.address,
          },
          ...(options.shippingAddressRequired
            ? {
                shippingAddress: { name: wallet.name, address: wallet.address },
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
