import type { DomainEvent } from '../../events/catalog.js';
import type { OrderStatus } from '../orders/orders.schemas.js';
import type { StockLine } from './stock-lines.js';

/**
 * Where an order's stock is, the ledger that makes every inventory step exactly-once per
 * order (whatever event ids arrive): one record per order, replaced by each step under a
 * condition on the state it read.
 * - `reserving`: the first `held` lines are held, the rest not yet (a reservation of more
 *   lines than one transaction takes, between its steps);
 * - `reserved`: every line is held (the order moved to `inventory_reserved` in that step);
 * - `releasing`: the first `held` lines are still held, the others went back;
 * - `released`: everything went back after a release request (final);
 * - `failed`: nothing is held, a line was short or unknown (final; `inventory.reservation_failed` written);
 * - `abandoned`: nothing is held, the order was cancelled while it was being reserved (final);
 * - `committing`: the order completed; the first `held` lines are still reserved, the others are sold;
 * - `committed`: the order completed and every line is sold: nothing reserved any more (final).
 */
export type ReservationState = 'reserving' | 'reserved' | 'releasing' | 'released' | 'failed' | 'abandoned' | 'committing' | 'committed';

export interface Reservation {
  order_id: string;
  state: ReservationState;
  /** The merged lines, in the order their stock is held (the first `held` ones). */
  items: StockLine[];
  held: number;
  updated_at: string;
  /** Why the stock went back (`releasing`, `released`). */
  release_reason?: 'payment_failed' | 'cancelled';
}

/** One atomic inventory step: stock moves, the record's next state, the order, the events. */
export interface InventoryStep {
  order_id: string;
  /**
   * `hold`: available → reserved (each line needs `stock_available ≥ quantity`); `return`:
   * reserved → available; `commit`: reserved → sold (`stock_reserved` only, `stock_available`
   * stays reduced; each line needs `stock_reserved ≥ quantity`).
   */
  move: 'hold' | 'return' | 'commit';
  lines: readonly StockLine[];
  /** The record the step was decided on (undefined: there was none), and what replaces it. */
  record: { expected: Pick<Reservation, 'state' | 'held'> | undefined; next: Reservation };
  /** The order must still be `pending`: checked only, or moved on to `to` (its version + 1). */
  order?: { from: 'pending'; to?: OrderStatus };
  /** Outbox rows written with the step. */
  events: readonly DomainEvent[];
  /** The step's time (`updated_at` of what it writes). */
  at: string;
}

/** Why a step was cancelled; several may hold at once. */
export interface StepRefusal {
  kind: 'refused';
  /** SKUs whose condition failed: unknown, or not enough available (hold) / reserved (return, commit). */
  lines: string[];
  /** The record is no longer the one the step expected (another copy of the step ran). */
  record: boolean;
  /** The order is no longer `pending`. */
  order: boolean;
}

export type StepOutcome = { kind: 'committed' } | StepRefusal;

/** A product's stock as stored now. */
export interface StockLevel {
  available: number;
  reserved: number;
}

/** Persistence of inventory steps (DynamoDB adapter: `shared/store/dynamodb/dynamodb-inventory-store.ts`). */
export interface InventoryStore {
  /** The reservation record of an order (consistent read). */
  reservation(orderId: string): Promise<Reservation | undefined>;
  /** The order's status (consistent read); undefined when there is no such order. */
  orderStatus(orderId: string): Promise<OrderStatus | undefined>;
  /** Current stock of each SKU (consistent); a SKU without product is absent. */
  stock(skus: readonly string[]): Promise<Map<string, StockLevel>>;
  /** Applies a step in ONE transaction: everything or nothing. */
  apply(step: InventoryStep): Promise<StepOutcome>;
}
