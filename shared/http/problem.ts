import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AppError,
  type AppErrorKind,
  DependencyUnavailableError,
  ForbiddenError,
  MethodNotAllowedError,
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
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' };
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
  if (error instanceof DependencyUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
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
