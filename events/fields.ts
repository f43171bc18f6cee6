import * as z from 'zod/mini';

/** Ids the saga passes around: opaque, printable, bounded. */
export const orderId = z.string().check(z.minLength(1), z.maxLength(64), z.describe('The order this event is about'));
export const customerId = z.string().check(z.minLength(1), z.maxLength(128));
export const sku = z.string().check(z.minLength(1), z.maxLength(64));

/** Money in integer minor units (cents) and an ISO 4217 currency code. */
export const money = z
  .object({
    amount: z.int().check(z.minimum(0)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'ISO 4217 currency code')),
  })
  .check(z.describe('Integer minor units and an ISO 4217 currency'));

/** One order line as it travels in events. */
export const lineItem = z.object({
  sku,
  quantity: z.int().check(z.minimum(1), z.maximum(1_000_000)),
});

export const lineItems = z.array(lineItem).check(z.minLength(1), z.maxLength(100));
