import type { EventData, EventEnvelope } from '../../events/catalog.js';
import { emitMetric, NO_METRICS } from '../observability/emit-metric.js';
import { orderEvent } from '../orders/order-events.js';
import type { OrderStatus } from '../orders/orders.schemas.js';
import { logger } from '../powertools/logger.js';
import { applyStep, noteGoneProducts, withoutGone } from './apply-step.js';
import type { InventoryDeps } from './inventory-deps.js';
import type { InventoryStep, InventoryStore, Reservation, ReservationState } from './inventory-store.js';
import { InventoryUnsettledError } from './inventory.errors.js';
import { mergeLines, type StockLine } from './stock-lines.js';
import { reserveStepSize } from './transaction-plan.js';

type Failure = Pick<EventData<'inventory.reservation_failed'>, 'reason' | 'shortages'>;

/** What the `inventory-reserve` consumer did with one `order.created` (stored for duplicates). */
export type ReserveResult =
  | { outcome: 'reserved'; order_id: string; lines: number }
  | ({ outcome: 'failed'; order_id: string } & Failure)
  | { outcome: 'skipped'; order_id: string; why: 'orderMissing' | 'notPending' | 'settled'; status?: OrderStatus; state?: ReservationState; returned?: number };

/** What to do next, decided from what is stored now. */
export type ReserveDecision = { kind: 'done'; result: ReserveResult } | { kind: 'step'; step: InventoryStep; result?: ReserveResult };

/** Rounds of read → decide → step before the record fails (and SQS redelivers it). */
const MAX_ROUNDS = 8;

/**
 * Reserves the stock of a new order, all lines or none (docs/orders.md, "Inventory"). Each
 * round reads the order's status and reservation record, decides one step from them
 * ({@link decideReservation}) and applies it as one transaction; a refused step is decided
 * again from what is stored then. So the outcome is the same whatever copy of the event
 * runs, however often, and a copy that crashed between two steps is resumed by the next.
 */
export async function reserveInventory(event: EventEnvelope<'order.created'>, deps: InventoryDeps): Promise<ReserveResult> {
  const now = deps.now ?? (() => new Date());
  const orderId = event.data.order_id;
  const items = mergeLines(event.data.items);
  const gone = new Set<string>();
  let failure: Failure | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const [record, status] = await Promise.all([deps.store.reservation(orderId), deps.store.orderStatus(orderId)]);
    const decision = decideReservation({ event, items, record, status, failure, at: now() });
    if (decision.kind === 'done') return settled(decision.result, deps, false);
    const step = withoutGone(decision.step, gone);
    const outcome = await applyStep(step, deps);
    if (outcome.kind === 'committed') {
      if (decision.result) return settled(decision.result, deps, true);
      continue;
    }
    // A changed record or order is read again next round; refused lines alone are about stock.
    if (outcome.record || outcome.order || outcome.lines.length === 0) continue;
    if (step.move === 'return') await noteGoneProducts(step, outcome.lines, deps, gone);
    // Stock that came back since the refusal makes `failure` undefined: the hold is tried again.
    else failure = await shortagesOf(step.lines, deps.store);
  }
  throw new InventoryUnsettledError(orderId, MAX_ROUNDS);
}

/**
 * The next step of a reservation (pure). `failure` is set once a hold was refused for stock.
 * - a settled record (reserved, failed, …): nothing to do — another copy got there first;
 * - order gone or no longer pending (cancelled): give back what an earlier step held, if any;
 * - a shortage: give back what is held and write `inventory.reservation_failed`, while the
 *   order is still pending;
 * - else hold the next lines; the last step also moves the order to `inventory_reserved`
 *   and writes `inventory.reserved`.
 */
export function decideReservation(input: {
  event: EventEnvelope<'order.created'>;
  items: StockLine[];
  record: Reservation | undefined;
  status: OrderStatus | undefined;
  failure: Failure | undefined;
  at: Date;
}): ReserveDecision {
  const { event, record, status, failure } = input;
  const order_id = event.data.order_id;
  const at = input.at.toISOString();
  if (record && record.state !== 'reserving') return { kind: 'done', result: { outcome: 'skipped', order_id, why: 'settled', state: record.state } };
  // Once written, the record's lines are the truth: a resumed reservation holds exactly those.
  const items = record?.items ?? input.items;
  const held = record?.held ?? 0;
  const expected = record ? { state: record.state, held } : undefined;
  const heldLines = items.slice(0, held);
  const origin = { correlationId: event.correlation_id, causationId: event.id };

  if (status !== 'pending') {
    const why = status === undefined ? 'orderMissing' : 'notPending';
    if (held === 0) return { kind: 'done', result: { outcome: 'skipped', order_id, why, ...(status ? { status } : {}) } };
    return {
      kind: 'step',
      step: {
        order_id,
        move: 'return',
        lines: heldLines,
        record: { expected, next: { order_id, state: 'abandoned', items, held: 0, updated_at: at } },
        events: [],
        at,
      },
      result: { outcome: 'skipped', order_id, why, ...(status ? { status } : {}), returned: held },
    };
  }

  if (failure) {
    const failed = orderEvent('inventory.reservation_failed', { order_id, ...failure }, origin, input.at);
    return {
      kind: 'step',
      step: {
        order_id,
        move: 'return',
        lines: heldLines,
        record: { expected, next: { order_id, state: 'failed', items, held: 0, updated_at: at } },
        order: { from: 'pending' },
        events: [failed],
        at,
      },
      result: { outcome: 'failed', order_id, ...failure },
    };
  }

  const size = reserveStepSize(items.length, held);
  const last = held + size === items.length;
  return {
    kind: 'step',
    step: {
      order_id,
      move: 'hold',
      lines: items.slice(held, held + size),
      record: { expected, next: { order_id, state: last ? 'reserved' : 'reserving', items, held: held + size, updated_at: at } },
      order: last ? { from: 'pending', to: 'inventory_reserved' } : { from: 'pending' },
      events: last ? [orderEvent('inventory.reserved', { order_id, items }, origin, input.at)] : [],
      at,
    },
    ...(last ? { result: { outcome: 'reserved', order_id, lines: items.length } } : {}),
  };
}

/**
 * The lines of a refused hold that are short now, read again (consistent): unknown SKUs
 * (available 0) make the reason `unknown_sku`. Undefined when none is short any more.
 */
async function shortagesOf(lines: readonly StockLine[], store: InventoryStore): Promise<Failure | undefined> {
  const stock = await store.stock(lines.map((line) => line.sku));
  let unknown = false;
  const shortages = lines.flatMap(({ sku, quantity }) => {
    const level = stock.get(sku);
    if (!level) unknown = true;
    const available = Math.max(0, level?.available ?? 0);
    return level && available >= quantity ? [] : [{ sku, requested: quantity, available }];
  });
  return shortages.length > 0 ? { reason: unknown ? 'unknown_sku' : 'out_of_stock', shortages } : undefined;
}

function settled(result: ReserveResult, deps: InventoryDeps, wrote: boolean): ReserveResult {
  const metrics = deps.metrics ?? NO_METRICS;
  if (result.outcome === 'reserved') {
    emitMetric(metrics, 'InventoryReserved');
    logger.info('inventory reserved', { order_id: result.order_id, lines: result.lines });
  } else if (result.outcome === 'failed') {
    emitMetric(metrics, 'InventoryReservationFailed');
    logger.warn('inventory reservation failed: nothing reserved', { order_id: result.order_id, reason: result.reason, shortages: result.shortages });
  } else {
    logger.info(wrote ? 'order no longer pending: held stock given back' : 'nothing to reserve', { ...result });
  }
  return result;
}
