import * as z from 'zod/mini';
import { customerId, lineItem, lineItems, money, orderId } from './fields.js';

/** Details of the events the orders domain publishes (EventBridge source `records.orders`). */
export const orderCreated = z.object({
  order_id: orderId,
  customer_id: customerId,
  items: z.array(z.extend(lineItem, { unit_price: money })).check(z.minLength(1), z.maxLength(100)),
  total: money,
  payment: z.object({
    method: z.literal('card'),
    token: z.string().check(z.minLength(1), z.maxLength(256), z.describe('Provider token, never a card number')),
  }),
});

export const orderCompleted = z.object({ order_id: orderId, customer_id: customerId, total: money });

export const orderRejected = z.object({
  order_id: orderId,
  reason: z.enum(['out_of_stock', 'unknown_sku']),
});

export const orderPaymentFailed = z.object({
  order_id: orderId,
  // Carried so the notification consumer can tell the customer without reading the order.
  customer_id: customerId,
  reason: z.enum(['declined', 'insufficient_funds', 'timeout', 'gateway_unavailable']),
});

export const orderCancelled = z.object({
  order_id: orderId,
  cancelled_by: z.string().check(z.minLength(1), z.maxLength(128), z.describe('Token subject of the caller')),
  items: lineItems,
});
