import type * as z from 'zod/mini';
import type { money } from '../../events/fields.js';

export type Money = z.infer<typeof money>;

/** One charge request; the provider deduplicates on `idempotencyKey`. */
export interface ChargeRequest {
  /** Same key → the same answer and at most one charge, however often it is sent. */
  idempotencyKey: string;
  amount: Money;
  /** The provider's card token from the order (never a card number). */
  token: string;
  /** For the provider's records and our logs. */
  reference: string;
}

/** What a provider that answered said: charged, or refused for a reason retrying won't change. */
export type ChargeResult = { status: 'succeeded'; paymentId: string } | { status: 'declined'; reason: 'declined' | 'insufficient_funds' };

/**
 * The payment gateway port. `charge` answers with a {@link ChargeResult} or throws a transient
 * error (PaymentGatewayUnavailableError, PaymentGatewayTimeoutError, or an abort when `signal`
 * fires): those may be retried with the same idempotency key without charging twice.
 */
export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest, options: { signal: AbortSignal }): Promise<ChargeResult>;
}
