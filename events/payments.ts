import * as z from 'zod/mini';
import { money, orderId } from './fields.js';

/** Details of the events the payments domain publishes (EventBridge source `records.payments`). */
export const paymentSucceeded = z.object({
  order_id: orderId,
  payment_id: z.string().check(z.minLength(1), z.maxLength(128)),
  amount: money,
});

export const paymentFailed = z.object({
  order_id: orderId,
  amount: money,
  reason: z.enum(['declined', 'insufficient_funds', 'timeout', 'gateway_unavailable']),
});
