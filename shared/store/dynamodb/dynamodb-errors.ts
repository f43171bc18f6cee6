import { DependencyTimeoutError, DependencyUnavailableError } from '../../errors/app-error.js';

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Maps throttling, service and network failures to a 503 the client may retry; anything
 * else (a bug, a bad request we built) is rethrown unchanged and ends as a generic 500.
 */
export function translateDynamoError(error: unknown): never {
  if (error instanceof Error && error.name === 'AbortError') {
    // The request's time budget ran out (see shared/runtime/request-budget.ts).
    throw new DependencyTimeoutError('DynamoDB', { cause: error });
  }
  if (isUnavailable(error)) {
    throw new DependencyUnavailableError('DynamoDB', 1, { cause: error });
  }
  throw error;
}

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (RETRYABLE.has(error.name) || (code && NETWORK_CODES.has(code))) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // The SDK wraps socket errors; look one level down.
  return error.cause !== undefined && error.cause !== error && isUnavailable(error.cause);
}
