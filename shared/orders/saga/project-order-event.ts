import type { DomainEvent } from '../../../events/catalog.js';
import { logger } from '../../powertools/logger.js';
import type { TimelineEntry } from '../orders.schemas.js';
import type { OrderSagaStore, ProjectionOutcome } from './order-saga-store.js';

/** Timeline entries per order: a saga writes ~8; the bound keeps a replay storm from growing the item toward 400 KB. */
export const MAX_TIMELINE_ENTRIES = 50;

/** Fields the timeline never repeats: the order's own ids, and the payment token. */
const OMITTED = new Set(['order_id', 'customer_id', 'payment']);

/** The timeline entry of an event: its type, when it happened, and its data without ids, token or line list (a count instead). */
export function timelineEntryOf(event: DomainEvent): TimelineEntry {
  const detail: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event.data)) {
    if (OMITTED.has(field)) continue;
    if (field === 'items' && Array.isArray(value)) detail.lines = value.length;
    else detail[field] = value;
  }
  return { type: event.type, at: event.occurred_at, detail };
}

/**
 * The projector: records every saga event in its order's timeline exactly once (keyed on the
 * envelope id, so the entries the API wrote for order.created and order.cancelled are not
 * repeated). It never changes the status; GET sorts the timeline by time, whatever order the
 * events arrived in.
 */
export async function projectOrderEvent(event: DomainEvent, deps: { store: OrderSagaStore }): Promise<{ outcome: ProjectionOutcome }> {
  const orderId = event.data.order_id;
  const outcome = await deps.store.project(orderId, event.id, timelineEntryOf(event), MAX_TIMELINE_ENTRIES);
  if (outcome === 'missing') logger.warn('event for an order that does not exist: not projected', { order_id: orderId });
  if (outcome === 'full') logger.warn('order timeline is full: event not projected', { order_id: orderId, limit: MAX_TIMELINE_ENTRIES });
  return { outcome };
}
