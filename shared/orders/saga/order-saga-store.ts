import type { DomainEvent } from '../../../events/catalog.js';
import type { EventData } from '../../../events/catalog.js';
import type { OrderStatus, OrderView, TimelineEntry } from '../orders.schemas.js';

/** Why a charge failed, as payment.failed carries it. */
export type PaymentFailureReason = EventData<'payment.failed'>['reason'];

/** An order as the saga consumers see it: the view plus what the API never shows. */
export interface SagaOrder {
  order: OrderView;
  /** The provider token the order was placed with (absent on orders written before it was stored). */
  paymentToken?: string;
  /** Set once payment-process wrote payment.failed for this order (the status stays payment_pending until order-finalize). */
  paymentFailure?: PaymentFailureReason;
}

/** One conditional status change and the events it causes, committed together or not at all. */
export interface OrderAdvance {
  orderId: string;
  /** The status and version the change was decided on: it commits only if both still hold. */
  from: OrderStatus;
  version: number;
  /** May equal `from` (a change that only records `paymentFailure`); the version still moves. */
  to: OrderStatus;
  at: Date;
  /** Outbox rows written in the same transaction. */
  events: DomainEvent[];
  paymentFailure?: PaymentFailureReason;
}

/** What the projector's append did. */
export type ProjectionOutcome = 'recorded' | 'duplicate' | 'missing' | 'full';

/**
 * The saga's side of order persistence (DynamoDB adapter:
 * shared/store/dynamodb/dynamodb-order-saga-store.ts). Status changes are conditional on status
 * and version; timeline appends are conditional on the event id not being recorded yet and
 * never move the status or the version.
 */
export interface OrderSagaStore {
  /** The order, read consistently. */
  load(orderId: string): Promise<SagaOrder | undefined>;
  /** False when the order is no longer at `from`/`version` (nothing was written). */
  advance(change: OrderAdvance): Promise<boolean>;
  /** Appends `entry` for event `eventId` once; at most `limit` entries per order. */
  project(orderId: string, eventId: string, entry: TimelineEntry, limit: number): Promise<ProjectionOutcome>;
}
