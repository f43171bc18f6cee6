import * as z from 'zod/mini';
import { lineItems, orderId, sku } from './fields.js';

/** Details of the events the inventory domain publishes (EventBridge source `records.inventory`). */
export const inventoryReserved = z.object({ order_id: orderId, items: lineItems });

export const inventoryReservationFailed = z.object({
  order_id: orderId,
  reason: z.enum(['out_of_stock', 'unknown_sku']),
  shortages: z.array(z.object({ sku, requested: z.int().check(z.minimum(1)), available: z.int().check(z.minimum(0)) })).check(z.minLength(1), z.maxLength(100)),
});

const releaseReason = z.enum(['payment_failed', 'cancelled']);

export const inventoryReleaseRequested = z.object({ order_id: orderId, items: lineItems, reason: releaseReason });

export const inventoryReleased = z.object({ order_id: orderId, items: lineItems, reason: releaseReason });
