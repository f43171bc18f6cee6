import * as z from 'zod/mini';
import { customerId, money, orderId, sku } from '../../events/fields.js';

/** Products store SKUs upper-cased: an order line names one the same way, whatever case the client sent. */
const orderSku = z.string().check(z.trim(), z.toUpperCase(), z.minLength(1), z.maxLength(64));

/** An order holds at most 100 lines (also the BatchGetItem limit of one catalog lookup). */
export const MAX_ORDER_LINES = 100;
/** Most units of one line: a typo'd quantity is refused, not reserved. */
export const MAX_LINE_QUANTITY = 10_000;

/**
 * The saga's states (docs/orders.md): pending → inventory_reserved → payment_pending (the charge
 * has started: no cancel from here on) → paid → completed; or rejected (out of stock),
 * payment_failed (stock released), cancelled (stock released).
 */
export const ORDER_STATUSES = ['pending', 'inventory_reserved', 'payment_pending', 'paid', 'completed', 'rejected', 'payment_failed', 'cancelled'] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** `POST /api/v1/orders` body. */
export const createOrderSchema = z
  .strictObject({
    customer_id: customerId.check(z.describe('The customer the order is for')),
    items: z
      .array(
        z.strictObject({
          sku: orderSku,
          quantity: z.int().check(z.minimum(1), z.maximum(MAX_LINE_QUANTITY)),
        }),
      )
      .check(z.minLength(1), z.maxLength(MAX_ORDER_LINES)),
    payment: z.strictObject({
      method: z.literal('card'),
      token: z.string().check(z.minLength(1), z.maxLength(256), z.describe('Payment provider token, never a card number')),
    }),
  })
  .check(z.meta({ id: 'OrderCreate' }));

export type CreateOrderInput = z.infer<typeof createOrderSchema>;

/** `Idempotency-Key`: printable ASCII, as the IETF draft and Stripe use it. */
export const idempotencyKeySchema = z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces'));

/** Order ids are `ord_` + a UUID without dashes. */
export const ORDER_ID_PATTERN = /^ord_[0-9a-f]{32}$/;

export const orderIdPathSchema = z.strictObject({
  order_id: z.string().check(z.regex(ORDER_ID_PATTERN, 'Must be an order id (ord_…)')),
});

export const timelineEntrySchema = z.object({
  type: z.string(),
  at: z.iso.datetime({ offset: false }),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** An order as `GET /api/v1/orders/{order_id}` answers it. */
export const orderViewSchema = z
  .object({
    order_id: orderId,
    customer_id: customerId,
    status: orderStatusSchema,
    items: z.array(z.object({ sku, quantity: z.int(), unit_price: money, line_total: money })),
    total: money,
    payment: z.object({ method: z.literal('card') }),
    timeline: z.array(timelineEntrySchema),
    created_at: z.iso.datetime({ offset: false }),
    updated_at: z.iso.datetime({ offset: false }),
    version: z.int(),
  })
  .check(z.meta({ id: 'Order' }));

export type OrderView = z.infer<typeof orderViewSchema>;

/** What `POST /api/v1/orders` answers (202), and what a replay of it answers again. */
export const orderAcceptedSchema = z.object({ order_id: orderId, status: z.literal('pending') }).check(z.meta({ id: 'OrderAccepted' }));
export type OrderAccepted = z.infer<typeof orderAcceptedSchema>;

/** A page of `GET /api/v1/orders`. */
export const orderPageSchema = z.object({ items: z.array(orderViewSchema), next_cursor: z.nullable(z.string()) }).check(z.meta({ id: 'OrderPage' }));

/** `GET /api/v1/orders` query: one of the filters, a page size and the cursor of the previous page. */
export const orderListQuerySchema = z.object({
  customer_id: z.optional(customerId),
  status: z.optional(orderStatusSchema),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))),
  cursor: z.optional(z.string().check(z.maxLength(512))),
});
export type OrderListQuery = z.infer<typeof orderListQuerySchema>;
