import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { AuthFailure, AuthOutcome } from './authorizer-context.js';
import { CredentialRejected } from './credential-rejected.js';
import { type FailedAuthLimiter, failureSubjects, type RequestSource } from './failed-auth-limiter.js';
import type { JwtVerifier } from './jwt-verifier.js';
import type { Principal } from './principal.js';
import { apiKeyHandle, type RevocationList } from './revocation-list.js';
import { VerificationCache } from './verification-cache.js';

/** A verified JWT is reused for at most this long (and never past its exp). */
export const JWT_CACHE_MS = 300_000;
/** Short for API keys: a deleted key is also revoked, but only for this long. */
export const API_KEY_CACHE_MS = 60_000;

/** Resolves an `X-API-Key` value to its principal, or throws `CredentialRejected`. */
export interface ApiKeyVerifier {
  verify(value: string): Promise<Principal>;
}

export interface AuthenticatorDeps {
  jwt: JwtVerifier;
  apiKeys: ApiKeyVerifier;
  revocations: RevocationList;
  /** Failed-attempt budgets per source IP and API key id; without it failures are not limited. */
  failures?: FailedAuthLimiter;
  cache?: VerificationCache<Principal>;
  now?: () => number;
}

/** The verdict plus a credential-free reason for the log (`jwt.expired`, `apiKey.unknown` …). */
export interface Authentication {
  outcome: AuthOutcome;
  detail: string;
  /** The unexpected error behind an `unavailable` verdict, for the log. */
  error?: unknown;
}

export interface Authenticator {
  authenticate(headers: Readonly<Record<string, string | undefined>>, source?: RequestSource): Promise<Authentication>;
}

/** Verdicts that spend failure budget: the caller sent credentials that did not work. */
const COUNTED_FAILURES = new Set<AuthFailure>(['malformed', 'invalid', 'expired', 'revoked']);

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Identifies the caller of a request from `Authorization: Bearer <JWT>` or `X-API-Key`.
 * Successful verifications are cached by credential hash; the revocation list is asked on
 * every call (it has its own one-second cache), so a revoked token stops working even while
 * its verification is cached. When the list cannot answer, the caller is identified but
 * flagged `revocationUnchecked`. Failed attempts spend a budget per source IP and API key id
 * (`failures`); a subject without budget is answered `throttled` before any verification.
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const now = deps.now ?? Date.now;
  const cache = deps.cache ?? new VerificationCache<Principal>(1_000, now);

  async function identify(kind: 'jwt' | 'api_key', credential: string): Promise<Principal> {
    const key = createHash('sha256').update(`${kind}\n${credential}`).digest('base64url');
    const cached = cache.get(key);
    if (cached) return cached;
    if (kind === 'jwt') {
      const { principal, expiresAt } = await deps.jwt.verify(credential);
      cache.set(key, principal, Math.min(now() + JWT_CACHE_MS, expiresAt * 1000));
      return principal;
    }
    const principal = await deps.apiKeys.verify(credential);
    cache.set(key, principal, now() + API_KEY_CACHE_MS);
    return principal;
  }

  async function attempt(headers: Readonly<Record<string, string | undefined>>): Promise<Authentication> {
    const authorization = headers.authorization?.trim() || undefined;
    const apiKey = headers['x-api-key']?.trim() || undefined;
    if (!authorization && !apiKey) return { outcome: { ok: false, failure: 'missing' }, detail: 'credentials.missing' };
    if (authorization && apiKey) return { outcome: { ok: false, failure: 'malformed' }, detail: 'credentials.ambiguous' };
    let kind: 'jwt' | 'api_key' = 'api_key';
    let credential = apiKey as string;
    if (authorization) {
      const bearer = BEARER.exec(authorization);
      if (!bearer) return { outcome: { ok: false, failure: 'malformed' }, detail: 'authorization.scheme' };
      kind = 'jwt';
      credential = bearer[1]!;
    }
    try {
      const principal = await identify(kind, credential);
      const handle = principal.method === 'jwt' ? principal.jti : apiKeyHandle(principal.sub);
      if (handle === undefined) return { outcome: { ok: true, principal }, detail: `${kind}.accepted` };
      let revoked: boolean;
      try {
        revoked = await deps.revocations.isRevoked(handle);
      } catch (error) {
        // Not "not revoked": the principal travels flagged, and each function decides by
        // what it does (reads fail open, writes and admin operations fail closed).
        return { outcome: { ok: true, principal, revocationUnchecked: true }, detail: `${kind}.revocationUnchecked`, error };
      }
      if (revoked) return { outcome: { ok: false, failure: 'revoked' }, detail: `${kind}.revoked` };
      return { outcome: { ok: true, principal }, detail: `${kind}.accepted` };
    } catch (error) {
      if (error instanceof CredentialRejected) return { outcome: { ok: false, failure: error.failure }, detail: error.detail, error: error.cause };
      // A dependency (DynamoDB for API keys) failed: the caller may retry, nothing was decided.
      const detail = error instanceof AppError ? error.code : 'authenticator.error';
      return { outcome: { ok: false, failure: 'unavailable' }, detail, error };
    }
  }

  return {
    async authenticate(headers, source = {}) {
      // Before any verification: a subject out of failure budget costs one map lookup.
      const subjects = failureSubjects(source, headers['x-api-key']);
      const retryAfterSeconds = deps.failures?.retryAfter(subjects);
      if (retryAfterSeconds !== undefined) {
        return { outcome: { ok: false, failure: 'throttled', retryAfterSeconds }, detail: 'auth.tooManyFailures' };
      }
      const result = await attempt(headers);
      if (!result.outcome.ok && COUNTED_FAILURES.has(result.outcome.failure)) deps.failures?.recordFailure(subjects);
      return result;
    },
  };
}
