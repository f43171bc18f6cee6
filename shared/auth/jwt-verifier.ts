import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { CredentialRejected } from './credential-rejected.js';
import type { Principal } from './principal.js';
import { highestRole } from './role.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from './token-lifetime.js';

/** Asymmetric algorithms only: `none` and HMAC (which a public key could forge) never verify. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Clock skew tolerated on exp/nbf/iat between the identity provider and Lambda. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface JwtVerifierOptions {
  /** Key lookup: `createRemoteJWKSet` (Cognito, local gateway) or `createLocalJWKSet` (file). */
  keys: JWTVerifyGetKey;
  issuer: string;
  /** Accepted app client ids: `client_id` of access tokens, `aud` of id tokens. */
  audience: readonly string[];
  clockToleranceSeconds?: number;
  /** @default MAX_TOKEN_LIFETIME_SECONDS */
  maxTokenAgeSeconds?: number;
  now?: () => Date;
}

export interface VerifiedToken {
  principal: Principal;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface JwtVerifier {
  /** Resolves the caller of a bearer token or throws `CredentialRejected`. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * Verifies JWTs the way Cognito documents it: signature against the JWKS, RS256/ES256 only,
 * exp/nbf with a small leeway, iat neither older than the longest token lifetime nor in the
 * future beyond the leeway, iss, then audience by token use (`client_id` for access
 * tokens, `aud` for id tokens). The role is the highest of `cognito:groups`.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const tolerance = options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS;
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, options.keys, {
          issuer: options.issuer,
          algorithms: [...ALLOWED_ALGORITHMS],
          clockTolerance: tolerance,
          requiredClaims: ['exp', 'sub', 'iat'],
          // Refuses an iat older than any token the IdP issues, or in the future beyond the leeway.
          maxTokenAge: options.maxTokenAgeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS,
          ...(options.now ? { currentDate: options.now() } : {}),
        }));
      } catch (error) {
        throw rejection(error);
      }
      if (!audienceMatches(payload, options.audience)) throw new CredentialRejected('invalid', 'jwt.audience');
      const groups = payload['cognito:groups'];
      return {
        principal: {
          sub: payload.sub as string,
          role: highestRole(Array.isArray(groups) ? groups : []),
          method: 'jwt',
          ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
        },
        expiresAt: payload.exp as number,
      };
    },
  };
}

function audienceMatches(payload: JWTPayload, audience: readonly string[]): boolean {
  const use = payload.token_use;
  if (use === 'access') return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
  if (use !== undefined && use !== 'id') return false;
  const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  return aud.some((value) => audience.includes(value));
}

/** jose's error → our coarse reason; a key set that cannot be fetched is not the caller's fault. */
function rejection(error: unknown): CredentialRejected {
  if (error instanceof errors.JWTExpired) return new CredentialRejected('expired', 'jwt.expired');
  if (error instanceof errors.JWKSTimeout) return new CredentialRejected('unavailable', 'jwks.timeout', { cause: error });
  if (error instanceof errors.JOSEError) {
    const malformed = error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid;
    return new CredentialRejected(malformed ? 'malformed' : 'invalid', `jwt.${error.code}`);
  }
  // Not a JOSE error: fetching the key set failed (network, DNS, bad response).
  return new CredentialRejected('unavailable', 'jwks.unreachable', { cause: error });
}
