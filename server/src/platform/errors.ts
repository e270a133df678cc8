/**
 * Domain errors. Services and consumers throw these; they know nothing of HTTP. The HTTP layer maps
 * each `kind` to a status in one place (`http/problem.ts`), and a consumer or job can catch them by
 * class. `code` is the stable machine-readable string clients see; `extensions` become extra members
 * of the problem document (RFC 9457 §3.2), e.g. the short lines of an `insufficient_stock`.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable';

export interface FieldProblem {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(detail = 'The requested resource does not exist.') {
    super('not_found', 'not_found', detail);
  }
}

/** Input that passed the schema but breaks a rule, listed per field. */
export class ValidationFailed extends DomainError {
  constructor(
    readonly errors: FieldProblem[],
    detail = 'The request is not valid.',
    code = 'validation_failed',
  ) {
    super('invalid', code, detail, { errors });
  }
}

export class Unauthenticated extends DomainError {
  constructor(detail = 'Sign in to continue.', code = 'unauthorized') {
    super('unauthenticated', code, detail);
  }
}

export class Forbidden extends DomainError {
  constructor(detail = 'Your account may not do this.', code = 'forbidden') {
    super('forbidden', code, detail);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super('conflict', code, detail, extensions);
  }
}

export class RateLimited extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    detail: string,
  ) {
    super('rate_limited', 'rate_limited', detail);
  }
}

export class Unavailable extends DomainError {
  constructor(detail: string) {
    super('unavailable', 'service_unavailable', detail);
  }
}

export interface ShortLine {
  variantId: string;
  sku: string;
  requested: number;
  available: number;
}

/** One or more lines ask for more units than can still be bought; nothing was reserved. */
export class InsufficientStock extends DomainError {
  constructor(readonly lines: ShortLine[]) {
    super(
      'conflict',
      'insufficient_stock',
      lines.length === 1
        ? `Only ${lines[0]?.available ?? 0} of ${lines[0]?.sku ?? 'this item'} can still be bought.`
        : `${lines.length} lines ask for more than can still be bought.`,
      { lines },
    );
  }
}

/** A state machine refused a move (see `orders/status.ts`). */
export class InvalidTransition extends DomainError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super('conflict', 'invalid_transition', `An order that is ${from} cannot become ${to}.`, {
      from,
      to,
    });
  }
}

/** A body (an upload, an import file) over what the store accepts. */
export class TooLarge extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super('too_large', code, detail, extensions);
  }
}

/** Content of a type the store does not take, as judged from the bytes themselves. */
export class UnsupportedMedia extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super('unsupported_media', code, detail, extensions);
  }
}

/** A rule about the request as a whole, not its shape: a discount that does not apply, say. */
export class Unprocessable extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super('unprocessable', code, detail, extensions);
  }
}
