import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AppError,
  type AppErrorKind,
  DependencyUnavailableError,
  ForbiddenError,
  MethodNotAllowedError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../errors/app-error.js';

/** The only place that turns error kinds into HTTP statuses. */
const STATUS: Record<AppErrorKind, number> = {
  badRequest: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  preconditionFailed: 412,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  validation: 422,
  tooManyRequests: 429,
  dependencyUnavailable: 503,
  dependencyTimeout: 504,
  requestTimeout: 504,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemContext {
  requestId: string;
  /** Request path, reported as `instance`. */
  instance?: string;
  now?: Date;
}

/** Headers a middleware attached to an error on its way to problemErrors (e.g. X-RateLimit-*). */
const attachedHeaders = new WeakMap<object, Record<string, string>>();

/**
 * Makes the problem response for `error` carry `headers` too: middlewares whose `onError`
 * runs before the error is mapped (those after problemErrors in the chain) have no response
 * to decorate yet. Content-Type and Cache-Control stay the problem's own.
 */
export function attachHeaders(error: unknown, headers: Record<string, string>): void {
  if (typeof error !== 'object' || error === null) return;
  attachedHeaders.set(error, { ...attachedHeaders.get(error), ...headers });
}

function headersAttachedTo(error: unknown): Record<string, string> | undefined {
  return typeof error === 'object' && error !== null ? attachedHeaders.get(error) : undefined;
}

/** Status a thrown value will be answered with (500 for anything not an AppError). */
export function statusOf(error: unknown): number {
  return error instanceof AppError ? STATUS[error.kind] : 500;
}

/**
 * RFC 9457 problem+json for any thrown value. AppErrors carry their message and details;
 * anything else becomes a generic 500 whose details stay in the logs.
 */
export function toProblem(error: unknown, ctx: ProblemContext): APIGatewayProxyStructuredResultV2 {
  const status = statusOf(error);
  const headers: Record<string, string> = { ...headersAttachedTo(error), 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' };
  const timestamp = (ctx.now ?? new Date()).toISOString();
  if (!(error instanceof AppError)) {
    const body = { type: problemType('internal'), title: TITLES[500], status, request_id: ctx.requestId, timestamp };
    return { statusCode: status, headers, body: JSON.stringify(body) };
  }
  const body: Record<string, unknown> = {
    type: problemType(error.code),
    title: TITLES[status] ?? 'Error',
    status,
    detail: error.message,
    ...(ctx.instance ? { instance: ctx.instance } : {}),
    code: error.code,
    request_id: ctx.requestId,
    timestamp,
  };
  if (error instanceof ValidationError) body.errors = error.errors;
  if (error instanceof DependencyUnavailableError || error instanceof TooManyRequestsError) {
    headers['retry-after'] = String(error.retryAfterSeconds);
  }
  if (error instanceof MethodNotAllowedError) headers.allow = error.allow.join(', ');
  if ((error instanceof UnauthenticatedError || error instanceof ForbiddenError) && error.challenge) {
    headers['www-authenticate'] = error.challenge;
  }
  return { statusCode: status, headers, body: JSON.stringify(body) };
}

/** Problem type URIs are stable URNs keyed by the error code (listed on /docs). */
export function problemType(code: string): string {
  return `urn:records-platform:problem:${code}`;
}
