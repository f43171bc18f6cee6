import type { DomainEvent, EventEnvelope } from '../../events/catalog.js';
import type { OrderAccepted, OrderStatus, OrderView } from './orders.schemas.js';

/** What a key's first request stored: the hash of its body and the answer it got. */
export interface IdempotencyRecord {
  /** Hash of the caller and the key: one caller's keys never collide with another's. */
  key: string;
  request_hash: string;
  response: OrderAccepted;
  created_at: string;
}

export type CreateOrderOutcome = { kind: 'created' } | { kind: 'keyUsed'; record: IdempotencyRecord };

export interface OrderPage {
  items: OrderView[];
  /** Opaque position after the last item, when there may be more. */
  lastKey?: Record<string, string>;
}

export interface OrderListFilter {
  customer_id?: string;
  status?: OrderStatus;
}

/** Persistence of orders (DynamoDB adapter: `shared/store/dynamodb/dynamodb-order-store.ts`). */
export interface OrderStore {
  /**
   * Writes the order, the key's idempotency record and the `order.created` event in ONE
   * transaction. When the key is already used nothing is written and the stored record comes
   * back: the caller compares request hashes.
   */
  create(order: OrderView, idempotency: IdempotencyRecord, event: EventEnvelope<'order.created'>): Promise<CreateOrderOutcome>;
  /** The record of an idempotency key (consistent read), if the key was used. */
  findIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  get(orderId: string, options?: { consistent?: boolean }): Promise<OrderView | undefined>;
  /**
   * Replaces `previous` with `next` and writes `events` in one transaction, only while the
   * stored order is still at `previous.version` and in one of `from`. False when it is not.
   */
  transition(next: OrderView, previous: OrderView, from: readonly OrderStatus[], ...events: DomainEvent[]): Promise<boolean>;
  /** Newest first, through an index; never a scan. */
  list(filter: OrderListFilter, limit: number, startKey?: Record<string, string>): Promise<OrderPage>;
}
