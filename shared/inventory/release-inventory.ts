import type { EventEnvelope } from '../../events/catalog.js';
import { emitMetric, NO_METRICS } from '../observability/emit-metric.js';
import { orderEvent } from '../orders/order-events.js';
import { logger } from '../powertools/logger.js';
import { applyStep, noteGoneProducts, withoutGone } from './apply-step.js';
import type { InventoryDeps } from './inventory-deps.js';
import type { InventoryStep, Reservation, ReservationState } from './inventory-store.js';
import { InventoryUnsettledError, ReservationInProgressError } from './inventory.errors.js';
import { releaseStepSize } from './transaction-plan.js';

/** What the `inventory-release` consumer did with one `inventory.release_requested` (stored for duplicates). */
export type ReleaseResult =
  | { outcome: 'released'; order_id: string; lines: number; reason: 'payment_failed' | 'cancelled' }
  | { outcome: 'skipped'; order_id: string; why: 'nothingReserved' | 'settled'; state?: ReservationState };

export type ReleaseDecision = { kind: 'done'; result: ReleaseResult } | { kind: 'step'; step: InventoryStep; result?: ReleaseResult };

const MAX_ROUNDS = 6;

/**
 * Gives an order's reserved stock back, once per order whatever is redelivered or requested
 * again: the reservation record moves `reserved` → `released` in the same transaction as the
 * stock and the `inventory.released` outbox row, so a second request finds it released. The
 * units given back are the record's (what was held), not the request's.
 */
export async function releaseInventory(event: EventEnvelope<'inventory.release_requested'>, deps: InventoryDeps): Promise<ReleaseResult> {
  const now = deps.now ?? (() => new Date());
  const orderId = event.data.order_id;
  const gone = new Set<string>();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const record = await deps.store.reservation(orderId);
    const decision = decideRelease({ event, record, at: now() });
    if (decision.kind === 'done') {
      logger.info('nothing to release', { ...decision.result });
      return decision.result;
    }
    const step = withoutGone(decision.step, gone);
    const outcome = await applyStep(step, deps);
    if (outcome.kind === 'committed') {
      if (!decision.result) continue;
      emitMetric(deps.metrics ?? NO_METRICS, 'InventoryReleased');
      logger.info('inventory released', { ...decision.result, ...(gone.size > 0 ? { deleted_products: [...gone] } : {}) });
      return decision.result;
    }
    if (!outcome.record && outcome.lines.length > 0) await noteGoneProducts(step, outcome.lines, deps, gone);
  }
  throw new InventoryUnsettledError(orderId, MAX_ROUNDS);
}

/**
 * The next release step (pure): nothing when no reservation exists or it already ended;
 * retried later while it is still being reserved; else give back the held lines, the last
 * of them (at most MAX_FINAL_RELEASE_LINES) with the `inventory.released` event.
 */
export function decideRelease(input: { event: EventEnvelope<'inventory.release_requested'>; record: Reservation | undefined; at: Date }): ReleaseDecision {
  const { event, record } = input;
  const order_id = event.data.order_id;
  if (!record) return { kind: 'done', result: { outcome: 'skipped', order_id, why: 'nothingReserved' } };
  if (record.state === 'reserving') throw new ReservationInProgressError(order_id);
  if (record.state !== 'reserved' && record.state !== 'releasing')
    return { kind: 'done', result: { outcome: 'skipped', order_id, why: 'settled', state: record.state } };
  if (record.state === 'reserved' && !sameLines(record, event)) {
    logger.warn('release request names other lines than were reserved; releasing what was reserved', {
      order_id,
      requested: event.data.items,
      reserved: record.items,
    });
  }
  // A release resumed after a crash between its steps keeps the reason it started with.
  const reason = record.release_reason ?? event.data.reason;
  const at = input.at.toISOString();
  const size = releaseStepSize(record.held);
  const held = record.held - size;
  const last = held === 0;
  const origin = { correlationId: event.correlation_id, causationId: event.id };
  return {
    kind: 'step',
    step: {
      order_id,
      move: 'return',
      lines: record.items.slice(held, record.held),
      record: {
        expected: { state: record.state, held: record.held },
        next: { ...record, state: last ? 'released' : 'releasing', held, updated_at: at, release_reason: reason },
      },
      events: last ? [orderEvent('inventory.released', { order_id, items: record.items, reason }, origin, input.at)] : [],
      at,
    },
    ...(last ? { result: { outcome: 'released', order_id, lines: record.items.length, reason } } : {}),
  };
}

function sameLines(record: Reservation, event: EventEnvelope<'inventory.release_requested'>): boolean {
  const requested = new Map<string, number>();
  for (const { sku, quantity } of event.data.items) requested.set(sku, (requested.get(sku) ?? 0) + quantity);
  return requested.size === record.items.length && record.items.every((line) => requested.get(line.sku) === line.quantity);
}
