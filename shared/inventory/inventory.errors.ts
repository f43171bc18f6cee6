import { ConflictError } from '../errors/app-error.js';

/**
 * The steps of one event kept being refused by concurrent changes (another copy of the
 * event, stock moving under a shortage report). The record fails and SQS redelivers it.
 */
export class InventoryUnsettledError extends ConflictError {
  constructor(orderId: string, rounds: number) {
    super('inventory.unsettled', `The inventory of order '${orderId}' did not settle in ${rounds} rounds; retried later.`, { order_id: orderId, rounds });
  }
}

/** A release request (or order.completed) for an order whose reservation is still being written: retried until it is reserved. */
export class ReservationInProgressError extends ConflictError {
  constructor(orderId: string) {
    super('inventory.reservationInProgress', `The reservation of order '${orderId}' is still in progress; the event is retried.`, { order_id: orderId });
  }
}

/**
 * A product holds fewer reserved units than a reservation being released: the ledger and
 * the product disagree (a manual edit?). Nothing is released; the message ends in the DLQ.
 */
export class StockInconsistentError extends ConflictError {
  constructor(orderId: string, skus: readonly string[]) {
    super('inventory.inconsistent', `Order '${orderId}' holds more units of ${skus.join(', ')} than the products have reserved.`, { order_id: orderId, skus });
  }
}
