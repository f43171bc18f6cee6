import { AppError } from '../errors/app-error.js';

/** The gateway refused to serve (5xx, connection refused, throttled): transient, retry later. */
export class PaymentGatewayUnavailableError extends AppError {
  readonly kind = 'dependencyUnavailable';
  constructor(provider: string, detail: string, options?: { cause?: unknown }) {
    super('payment.gatewayUnavailable', `Payment gateway ${provider} is unavailable: ${detail}.`, { provider }, options);
  }
}

/** The gateway did not answer within the per-attempt timeout; the charge may or may not exist. */
export class PaymentGatewayTimeoutError extends AppError {
  readonly kind = 'dependencyTimeout';
  constructor(provider: string, timeoutMs: number) {
    super('payment.gatewayTimeout', `Payment gateway ${provider} did not answer within ${timeoutMs} ms.`, { provider, timeoutMs });
  }
}

/** True for the errors a charge may be retried after (same idempotency key). */
export function isTransientPaymentError(error: unknown): error is PaymentGatewayUnavailableError | PaymentGatewayTimeoutError {
  return error instanceof PaymentGatewayUnavailableError || error instanceof PaymentGatewayTimeoutError;
}
