import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * The key set tokens are verified against: `AUTH_JWKS_URL` (Cognito's
 * `…/.well-known/jwks.json`, or the local gateway's) fetched and cached by jose, or
 * `AUTH_JWKS_FILE`, a JWKS on disk for tests and offline use.
 */
export function jwksFromEnv(env: NodeJS.ProcessEnv = process.env): JWTVerifyGetKey {
  if (env.AUTH_JWKS_URL) {
    return createRemoteJWKSet(new URL(env.AUTH_JWKS_URL), {
      timeoutDuration: 2_000,
      // Keys rotate rarely; an unknown kid refetches after the cooldown anyway.
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
    });
  }
  if (env.AUTH_JWKS_FILE) {
    return createLocalJWKSet(JSON.parse(readFileSync(env.AUTH_JWKS_FILE, 'utf8')) as JSONWebKeySet);
  }
  throw new Error('AUTH_JWKS_URL or AUTH_JWKS_FILE must be set');
}
