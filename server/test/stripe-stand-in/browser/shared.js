/** What the stand-in's elements and its Stripe object share: requests, DOM and events. */

export const integrationError = (message) => {
  const error = new Error(message);
  error.name = 'IntegrationError';
  return error;
};

export const intentIdOf = (clientSecret) => String(clientSecret).split('_secret_')[0];

export async function call(method, path, form) {
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

export function node(tag, props, children) {
  const element = document.createElement(tag);
  Object.assign(element, props || {});
  for (const child of children || []) element.append(child);
  return element;
}

export class Emitter {
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
export function dialog(label, children) {
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

export function button(text, onClick) {
  const element = node('button', { type: 'button', textContent: text });
  element.style.cssText = 'margin:.5rem .5rem 0 0;padding:.5rem 1rem;font:inherit';
  element.addEventListener('click', onClick);
  return element;
}

/** What every element does alike: where it mounts, and going away. */
export class MountedElement extends Emitter {
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
