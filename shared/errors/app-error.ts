/** One entry of a validation failure, in the FastAPI/pydantic shape clients already know. */
export interface ErrorDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * Base of every error the platform raises on purpose. `code` is stable (clients and
 * dashboards key on it); `kind` selects the HTTP status in exactly one place
 * (`shared/http/problem.ts`).
 */
export abstract class AppError extends Error {
  abstract readonly kind: AppErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type AppErrorKind =
  | 'badRequest'
  | 'unauthenticated'
  | 'forbidden'
  | 'validation'
  | 'notFound'
  | 'conflict'
  | 'preconditionFailed'
  | 'payloadTooLarge'
  | 'unsupportedMediaType'
  | 'methodNotAllowed'
  | 'tooManyRequests'
  | 'dependencyUnavailable'
  | 'dependencyTimeout'
  | 'requestTimeout';

export class BadRequestError extends AppError {
  readonly kind = 'badRequest';
}

/** A request refused as hostile; its problem body must not echo any part of it. */
export class SuspiciousRequestError extends BadRequestError {
  constructor(reason: string) {
    super('request.suspicious', 'The request was refused as malformed or unsafe.', { reason });
  }
}

/**
 * The caller is not authenticated (no, bad, expired or revoked credentials). `challenge` is
 * the `WWW-Authenticate` value (RFC 6750) that tells the client how to authenticate.
 */
export class UnauthenticatedError extends AppError {
  readonly kind = 'unauthenticated';
  constructor(
    code: string,
    message: string,
    readonly challenge: string,
    context: Record<string, unknown> = {},
  ) {
    super(code, message, context);
  }
}

/** The caller is authenticated but may not do this; `challenge` as for UnauthenticatedError. */
export class ForbiddenError extends AppError {
  readonly kind = 'forbidden';
  constructor(
    code: string,
    message: string,
    readonly challenge?: string,
    context: Record<string, unknown> = {},
  ) {
    super(code, message, context);
  }
}

export class ValidationError extends AppError {
  readonly kind = 'validation';
  constructor(
    readonly errors: ErrorDetail[],
    message = 'The request contains invalid values.',
  ) {
    super('request.invalid', message, { errors: errors.length });
  }
}

export class NotFoundError extends AppError {
  readonly kind = 'notFound';
}

export class ConflictError extends AppError {
  readonly kind = 'conflict';
}

export class PreconditionFailedError extends AppError {
  readonly kind = 'preconditionFailed';
}

export class PayloadTooLargeError extends AppError {
  readonly kind = 'payloadTooLarge';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly kind = 'unsupportedMediaType';
}

export class MethodNotAllowedError extends AppError {
  readonly kind = 'methodNotAllowed';
  constructor(readonly allow: string[]) {
    super('route.methodNotAllowed', `Method not allowed; use ${allow.join(', ')}.`);
  }
}

/** The caller sent too many requests; it may retry after `retryAfterSeconds` (`Retry-After`). */
export class TooManyRequestsError extends AppError {
  readonly kind = 'tooManyRequests';
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    context: Record<string, unknown> = {},
  ) {
    super(code, message, context);
  }
}

/** A dependency (DynamoDB, Redis, …) is down or throttling; the client may retry later. */
export class DependencyUnavailableError extends AppError {
  readonly kind = 'dependencyUnavailable';
  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super('dependency.unavailable', `${dependency} is temporarily unavailable.`, { dependency }, options);
  }
}

/** The invocation ran out of its time budget; the work in flight was abandoned. */
export class RequestTimeoutError extends AppError {
  readonly kind = 'requestTimeout';
  constructor(budgetMs: number) {
    super('request.timeout', 'The request could not be completed in time; it was abandoned. Retry later.', { budgetMs });
  }
}

export class DependencyTimeoutError extends AppError {
  readonly kind = 'dependencyTimeout';
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super('dependency.timeout', `${dependency} did not answer in time.`, { dependency }, options);
  }
}
