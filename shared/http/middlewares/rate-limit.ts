import type { MiddlewareObj, Request } from '@middy/core';
import type { FunctionDeclaration } from '../../entity/entity-functions.js';
import { containerRateLimiter } from '../../rate-limit/rate-limit-container.js';
import { rateLimitHeaders } from '../../rate-limit/rate-limit-headers.js';
import { identityOf } from '../../rate-limit/rate-limit-identity.js';
import { RateLimitedError } from '../../rate-limit/rate-limit.errors.js';
import type { RateLimitDecision, RateLimiter } from '../../rate-limit/rate-limiter.js';
import { isPreflight } from '../preflight.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { attachHeaders } from '../problem.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

export interface RateLimitOptions {
  /** @default the container's limiter (undefined without `REDIS_URL`: nothing is limited) */
  limiter?: () => RateLimiter | undefined;
}

/**
 * Takes a token from the caller's bucket (API key, else user, else source IP; see
 * shared/rate-limit/rate-limit-rules.ts) before validation and business code, and answers
 * 429 problem+json (`rate.limited`, `Retry-After`) when there is none. Every response to a
 * request it decided on, errors included, carries `X-RateLimit-Limit/-Remaining/-Reset`;
 * while Redis is unavailable the decision is this container's own (approximate), headers
 * included. Runs after
 * `authorize`, so the principal is known: requests refused with 401/403 are not counted.
 */
export function rateLimit(
  declaration: Pick<FunctionDeclaration, 'permission'>,
  { limiter = containerRateLimiter }: RateLimitOptions = {},
): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  const decisions = new WeakMap<Req, RateLimitDecision>();

  async function rateLimitBefore(request: Req) {
    if (isPreflight(request.event)) return;
    const active = limiter();
    if (!active) return;
    const { event } = request;
    const method = event.requestContext.http.method;
    const decision = await active.check({
      // Unmatched paths carry no route of their own: `POST $default` still counts as a write.
      route: event.routeKey === '$default' ? `${method} $default` : event.routeKey,
      permission: declaration.permission,
      identity: identityOf(request.context.principal, event.requestContext.http.sourceIp),
    });
    if (!decision) return;
    decisions.set(request, decision);
    if (!decision.allowed) throw new RateLimitedError(decision.rule, decision.limit, decision.retryAfterSeconds);
  }

  function rateLimitAfter(request: Req) {
    const decision = decisions.get(request);
    if (!decision || !request.response) return;
    request.response.headers = { ...request.response.headers, ...rateLimitHeaders(decision) };
  }

  // Runs before problemErrors has built the response: the headers travel with the error.
  function rateLimitOnError(request: Req) {
    const decision = decisions.get(request);
    if (decision) attachHeaders(request.error, rateLimitHeaders(decision));
  }

  return { before: rateLimitBefore, after: rateLimitAfter, onError: rateLimitOnError };
}
