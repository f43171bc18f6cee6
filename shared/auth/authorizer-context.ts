import * as z from 'zod/mini';
import { type Principal, principalSchema } from './principal.js';

/**
 * Why a request carries no principal. Coarse on purpose: it travels to the function and
 * selects the client-facing problem; the precise reason is logged by the authorizer only.
 */
export const AUTH_FAILURES = ['missing', 'malformed', 'invalid', 'expired', 'revoked', 'unavailable', 'throttled'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/**
 * The authorizer's verdict about one request's credentials. `revocationUnchecked`: the
 * credential is valid but the revocation list could not be read in time.
 */
export type AuthOutcome =
  | { ok: true; principal: Principal; revocationUnchecked?: boolean }
  /** `retryAfterSeconds` with `throttled`: the source ran out of failed attempts. */
  | { ok: false; failure: AuthFailure; retryAfterSeconds?: number };

/**
 * `requestContext.authorizer.lambda` as the authorizer sets it (simple responses accept
 * only flat string/number/boolean values, hence the principal as JSON).
 */
export type AuthorizerContext = { principal: string; revocation?: 'unchecked' } | { failure: AuthFailure; retryAfter?: number };

export function toAuthorizerContext(outcome: AuthOutcome): AuthorizerContext {
  if (!outcome.ok) {
    return { failure: outcome.failure, ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfter: outcome.retryAfterSeconds }) };
  }
  return { principal: JSON.stringify(outcome.principal), ...(outcome.revocationUnchecked ? { revocation: 'unchecked' as const } : {}) };
}

const failureSchema = z.enum(AUTH_FAILURES);

/**
 * Reads what the authorizer left on the event. Anything absent or unreadable counts as
 * `missing`/`invalid`: a route that somehow skipped the authorizer fails closed.
 */
export function fromAuthorizerContext(lambda: Record<string, unknown> | undefined): AuthOutcome {
  if (!lambda) return { ok: false, failure: 'missing' };
  if (typeof lambda.principal === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(lambda.principal);
    } catch {
      return { ok: false, failure: 'invalid' };
    }
    const principal = z.safeParse(principalSchema, parsed);
    if (!principal.success) return { ok: false, failure: 'invalid' };
    // Only an explicit "checked" is absent: any other value counts as unchecked (fail closed).
    return lambda.revocation === undefined ? { ok: true, principal: principal.data } : { ok: true, principal: principal.data, revocationUnchecked: true };
  }
  const failure = z.safeParse(failureSchema, lambda.failure);
  if (!failure.success) return { ok: false, failure: 'missing' };
  const retryAfter = lambda.retryAfter;
  return typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter > 0
    ? { ok: false, failure: failure.data, retryAfterSeconds: retryAfter }
    : { ok: false, failure: failure.data };
}
