import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../errors/app-error.js';
import type { OrderStatus } from './orders.schemas.js';

/**
 * No such order, or one the caller may not see: a viewer asking for another customer's order
 * gets the same answer as for a missing one, so ids of other customers' orders leak nothing.
 */
export class OrderNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('order.notFound', `Order '${id}' was not found.`, { id });
  }
}

/** Cancel after payment started (or after the order ended). */
export class OrderNotCancellableError extends ConflictError {
  constructor(id: string, status: OrderStatus) {
    super('order.notCancellable', `Order '${id}' is ${status}; only pending or inventory_reserved orders can be cancelled.`, { id, status });
  }
}

/** `POST /api/v1/orders` without an `Idempotency-Key` header. */
export class IdempotencyKeyMissingError extends BadRequestError {
  constructor() {
    super('idempotency.keyMissing', 'Send an Idempotency-Key header (a unique value per order, reused only to retry the same request).');
  }
}

/** An `Idempotency-Key` that is not 1–255 printable ASCII characters. */
export class IdempotencyKeyInvalidError extends BadRequestError {
  constructor() {
    super('idempotency.keyInvalid', 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.');
  }
}

/**
 * The key was used before with a different body: a 422 like every invalid request
 * (`request.invalid`), located at the header with type `idempotency_key_reused`.
 */
export class IdempotencyKeyReusedError extends ValidationError {
  constructor() {
    super(
      [
        {
          loc: ['header', 'idempotency-key'],
          msg: 'This key was already used with a different request body; use a new key for a new order',
          type: 'idempotency_key_reused',
        },
      ],
      'This Idempotency-Key was already used with a different request body; use a new key for a new order.',
    );
  }
}
