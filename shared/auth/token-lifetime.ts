/**
 * The longest lifetime of a token the identity provider issues, in seconds: Cognito caps
 * access and id tokens at one day whatever the pool's setting (the stack's default is one
 * hour). A revocation never needs to outlive it, and a token whose `iat` is older than this
 * is refused whatever its `exp` says.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** `expiresAt` (epoch seconds) capped at the longest token lifetime from `nowSeconds`. */
export function cappedRevocationExpiry(expiresAt: number, nowSeconds: number): number {
  return Math.min(expiresAt, nowSeconds + MAX_TOKEN_LIFETIME_SECONDS);
}
