import type { MiddlewareObj, Request } from '@middy/core';
import { emitMetric } from '../../observability/emit-metric.js';
import { CredentialsMissingError, CredentialsRejectedError, InsufficientRoleError, TooManyFailedAttemptsError } from '../../auth/auth.errors.js';
import { FailedAuthLimiter, failedAuthLimits, failureSubjects } from '../../auth/failed-auth-limiter.js';
import { fromAuthorizerContext } from '../../auth/authorizer-context.js';
import { roleSatisfies } from '../../auth/role.js';
import type { Permission } from '../../entity/define-entity.js';
import type { RouteDeclaration } from '../../entity/entity-functions.js';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import { isPreflight } from '../preflight.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/** What API Gateway puts under `requestContext.authorizer` for a Lambda authorizer. */
interface AuthorizerField {
  lambda?: Record<string, unknown>;
}

let containerLimiter: FailedAuthLimiter | undefined;
/** The function container's budget for 403s (the authorizer keeps its own for 401s). */
function containerFailedAuthLimiter(): FailedAuthLimiter {
  containerLimiter ??= new FailedAuthLimiter(failedAuthLimits(process.env));
  return containerLimiter;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Seconds a client is asked to wait when a revocation could not be checked. */
export const REVOCATION_RETRY_AFTER_SECONDS = 5;

/**
 * A credential whose revocation could not be checked: a write or an admin operation (which
 * could create credentials that outlive it) is refused with 503 + Retry-After; a read of
 * data the role may see anyway passes, metered (`RevocationCheckFailedOpen`).
 */
function failClosedOrMeter(permission: Permission, method: string): void {
  if (permission === 'admin' || !SAFE_METHODS.has(method)) {
    emitMetric(metrics, 'RevocationCheckFailedClosed');
    logger.warn('revocation unchecked: write or admin operation refused', { permission, method });
    throw new DependencyUnavailableError('Revocation check', REVOCATION_RETRY_AFTER_SECONDS);
  }
  emitMetric(metrics, 'RevocationCheckFailedOpen');
}

/**
 * Enforces the route's declared permission (a route's own, else the function's) from what the Lambda authorizer resolved
 * (`requestContext.authorizer.lambda`): 401 + `WWW-Authenticate` without a valid identity,
 * 403 when the role is too low, 503 when the authorizer could not reach its dependencies,
 * 503 for a write or admin operation whose credential's revocation could not be checked, and
 * 429 (`auth.tooManyFailures`) once a source IP or API key id spent its failed-attempt
 * budget (401s are counted by the authorizer, 403s here).
 * The authorizer itself always lets the request through, because API Gateway cannot answer
 * its rejections with problem+json; this middleware is where access is decided.
 */
export function authorize(
  declared: Permission,
  { failures = containerFailedAuthLimiter(), routes = [] }: { failures?: FailedAuthLimiter; routes?: readonly RouteDeclaration[] } = {},
): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  // Routes that declare a permission of their own (bulk delete beside bulk update), by route key.
  const byRouteKey = new Map(routes.filter((route) => route.permission).map((route) => [`${route.method} ${route.path}`, route.permission!]));
  function authorizeBefore(request: Req) {
    const permission = byRouteKey.get(request.event.routeKey) ?? declared;
    if (permission === 'public' || isPreflight(request.event)) return;
    const requestContext = request.event.requestContext as HttpEvent['requestContext'] & { authorizer?: AuthorizerField };
    const outcome = fromAuthorizerContext(requestContext.authorizer?.lambda);
    if (!outcome.ok) {
      emitMetric(metrics, 'AuthenticationFailed');
      logger.info('request not authenticated', { auth_failure: outcome.failure });
      if (outcome.failure === 'missing') throw new CredentialsMissingError();
      if (outcome.failure === 'unavailable') throw new DependencyUnavailableError('Authentication', 5);
      if (outcome.failure === 'throttled') throw new TooManyFailedAttemptsError(outcome.retryAfterSeconds ?? 1);
      throw new CredentialsRejectedError(outcome.failure);
    }
    const { principal } = outcome;
    logger.appendKeys({ principal: principal.sub, role: principal.role, auth_method: principal.method });
    // 403s are decided here, not in the authorizer: their budget is this container's.
    const subjects = failureSubjects({ ip: request.event.requestContext.http.sourceIp }, undefined);
    if (principal.method === 'api_key') subjects.push({ kind: 'apiKey', value: principal.sub });
    if (!roleSatisfies(principal.role, permission)) {
      const retryAfter = failures.retryAfter(subjects);
      if (retryAfter !== undefined) {
        emitMetric(metrics, 'AuthenticationThrottled');
        throw new TooManyFailedAttemptsError(retryAfter);
      }
      failures.recordFailure(subjects);
      emitMetric(metrics, 'AuthorizationDenied');
      throw new InsufficientRoleError(permission);
    }
    if (outcome.revocationUnchecked) failClosedOrMeter(permission, request.event.requestContext.http.method);
    request.context.principal = principal;
  }
  return { before: authorizeBefore };
}
