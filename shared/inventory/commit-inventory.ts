import type { EventEnvelope } from '../../events/catalog.js';
import { logger } from '../powertools/logger.js';
import { applyStep, noteGoneProducts, withoutGone } from './apply-step.js';
import type { InventoryDeps } from './inventory-deps.js';
import type { InventoryStep, Reservation, ReservationState } from './inventory-store.js';
import { InventoryUnsettledError, ReservationInProgressError } from './inventory.errors.js';
import { commitStepSize } from './transaction-plan.js';

/** What the `inventory-release` consumer did with one `order.completed` (stored for duplicates). */
export type CommitResult =
  | { outcome: 'committed'; order_id: string; lines: number }
  | { outcome: 'skipped'; order_id: string; why: 'nothingReserved' | 'settled'; state?: ReservationState };

export type CommitDecision = { kind: 'done'; result: CommitResult } | { kind: 'step'; step: InventoryStep; result?: CommitResult };

const MAX_ROUNDS = 6;

/**
 * Settles a completed order's reserved stock as sold, once per order whatever is redelivered
 * or re-published: its units leave `stock_reserved` (`stock_available` stays reduced) in the
 * same transaction that moves the reservation record `reserved` → `committed`, so a second
 * `order.completed` finds it committed. A reservation that was released (or never held) is
 * left alone: there is nothing reserved to sell.
 */
export async function commitInventory(event: EventEnvelope<'order.completed'>, deps: InventoryDeps): Promise<CommitResult> {
  const now = deps.now ?? (() => new Date());
  const orderId = event.data.order_id;
  const gone = new Set<string>();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const record = await deps.store.reservation(orderId);
    const decision = decideCommit({ orderId, record, at: now() });
    if (decision.kind === 'done') {
      logger.info('nothing to commit', { ...decision.result });
      return decision.result;
    }
    const step = withoutGone(decision.step, gone);
    const outcome = await applyStep(step, deps);
    if (outcome.kind === 'committed') {
      if (!decision.result) continue;
      logger.info('inventory committed: reserved units sold', { ...decision.result, ...(gone.size > 0 ? { deleted_products: [...gone] } : {}) });
      return decision.result;
    }
    if (!outcome.record && outcome.lines.length > 0) await noteGoneProducts(step, outcome.lines, deps, gone);
  }
  throw new InventoryUnsettledError(orderId, MAX_ROUNDS);
}

/**
 * The next commit step (pure): nothing without a reservation or once it ended (committed,
 * released, failed, abandoned — a completed order whose stock was released is logged);
 * retried while it is still being reserved; else settle the held lines, the last of them
 * (at most MAX_FINAL_COMMIT_LINES) moving the record to `committed`.
 */
export function decideCommit(input: { orderId: string; record: Reservation | undefined; at: Date }): CommitDecision {
  const { orderId: order_id, record } = input;
  if (!record) return { kind: 'done', result: { outcome: 'skipped', order_id, why: 'nothingReserved' } };
  if (record.state === 'reserving') throw new ReservationInProgressError(order_id);
  if (record.state !== 'reserved' && record.state !== 'committing') {
    if (record.state === 'released' || record.state === 'releasing')
      logger.warn('order completed but its reservation was released: nothing to commit', { order_id, state: record.state });
    return { kind: 'done', result: { outcome: 'skipped', order_id, why: 'settled', state: record.state } };
  }
  const at = input.at.toISOString();
  const size = commitStepSize(record.held);
  const held = record.held - size;
  const last = held === 0;
  return {
    kind: 'step',
    step: {
      order_id,
      move: 'commit',
      lines: record.items.slice(held, record.held),
      record: { expected: { state: record.state, held: record.held }, next: { ...record, state: last ? 'committed' : 'committing', held, updated_at: at } },
      events: [],
      at,
    },
    ...(last ? { result: { outcome: 'committed', order_id, lines: record.items.length } } : {}),
  };
}
