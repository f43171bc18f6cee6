import { DependencyTimeoutError, DependencyUnavailableError } from '../../errors/app-error.js';

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);
const TIMED_OUT = new Set(['RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What a failed DynamoDB call (after the SDK's retries) says about DynamoDB: `timeout` (it
 * accepted the request and did not answer within the attempt's timeout), `unavailable`
 * (throttling, a 5xx, an unreachable endpoint), `aborted` (the request's own time budget ran
 * out: not DynamoDB's fault), or undefined when DynamoDB answered (a condition failed, a bug).
 */
export type DynamoFailure = 'timeout' | 'unavailable' | 'aborted';

export function classifyDynamoError(error: unknown): DynamoFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'AbortError') return 'aborted';
  // Socket codes first: the SDK renames ECONNRESET, ECONNREFUSED and EPIPE errors TimeoutError.
  const code = (error as { code?: string }).code;
  if (code && NETWORK_CODES.has(code)) return 'unavailable';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (error.name === 'TimeoutError') {
    // The SDK names a connect timeout TimeoutError too: nothing listened, so unavailable.
    return /establish a connection/.test(error.message) ? 'unavailable' : 'timeout';
  }
  if (TIMED_OUT.has(error.name)) return 'timeout';
  if (UNAVAILABLE.has(error.name)) return 'unavailable';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 504) return 'timeout';
  if (status !== undefined && status >= 500) return 'unavailable';
  // The SDK wraps socket errors; look one level down.
  return error.cause !== undefined && error.cause !== error ? classifyDynamoError(error.cause) : undefined;
}

/**
 * Maps what is left after the SDK's retries: a timeout (an attempt's or the request's budget)
 * to a 504, throttling, service and network failures to a 503 the client may retry after 1 s;
 * anything else (a bug, a bad request we built, an AppError such as an open circuit) is
 * rethrown unchanged.
 */
export function translateDynamoError(error: unknown): never {
  const failure = classifyDynamoError(error);
  if (failure === 'timeout' || failure === 'aborted') throw new DependencyTimeoutError('DynamoDB', { cause: error });
  if (failure === 'unavailable') throw new DependencyUnavailableError('DynamoDB', 1, { cause: error });
  throw error;
}
