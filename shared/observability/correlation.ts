import { randomUUID } from 'node:crypto';
import { logger } from '../powertools/logger.js';

/** Header a caller sends (and the API echoes) to tie one business flow's logs together. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** A caller-supplied id (correlation or request id) is kept only when short and harmless to log. */
const SAFE_TRACE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Whether a caller-supplied id may be reused and logged (length 8–128, `[A-Za-z0-9._:-]`). */
export function isSafeTraceId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_TRACE_ID.test(value);
}

/** The caller's correlation id when valid, else a fresh UUID. */
export function correlationIdFrom(given: string | undefined, generate: () => string = randomUUID): string {
  return isSafeTraceId(given) ? given : generate();
}

/**
 * Restores a correlation id carried by an event envelope, SQS message or import job
 * (`correlation_id`) onto the logger, so a consumer's lines share the API call's id.
 * An absent or unsafe value gets a fresh id. Returns the id in use.
 */
export function restoreCorrelationId(carrier: { correlation_id?: unknown } | undefined): string {
  const id = correlationIdFrom(typeof carrier?.correlation_id === 'string' ? carrier.correlation_id : undefined);
  logger.appendKeys({ correlation_id: id });
  return id;
}
