import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { logger } from '../powertools/logger.js';
import { tracer } from '../powertools/tracer.js';
import type { JwksStore } from './jwks-store.js';
import { storedJwks } from './stored-jwks.js';

/**
 * The key set tokens are verified against:
 * - `AUTH_JWKS_SECRET_ARN` (deployed): the copy of Cognito's JWKS that the `auth-jwks-copier`
 *   keeps in Secrets Manager, read through the VPC endpoint (docs/security.md, "JWKS copy");
 * - `AUTH_JWKS_URL` (Cognito's `…/.well-known/jwks.json`, or the local gateway's) fetched and
 *   cached by jose;
 * - `AUTH_JWKS_FILE`, a JWKS on disk for tests and offline use.
 */
export function jwksFromEnv(env: NodeJS.ProcessEnv = process.env): JWTVerifyGetKey {
  if (env.AUTH_JWKS_SECRET_ARN) {
    return storedJwks(lazySecretJwksStore(env.AUTH_JWKS_SECRET_ARN), {
      onStale: (error) => logger.warn('JWKS copy unreadable; verifying with the last good keys', { error }),
    });
  }
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
  throw new Error('AUTH_JWKS_SECRET_ARN, AUTH_JWKS_URL or AUTH_JWKS_FILE must be set');
}

/**
 * The secret's JWKS store, its Secrets Manager client (captured by the tracer) built by the
 * first read: the authorizer answers API-key requests without it, and the SDK's import would
 * otherwise run at every cold start.
 */
function lazySecretJwksStore(secretId: string): JwksStore {
  let store: Promise<JwksStore> | undefined;
  const load = async () => {
    const [{ SecretsManagerClient }, { secretJwksStore }] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('./secrets-manager/secret-jwks-store.js'),
    ]);
    return secretJwksStore(tracer.captureAWSv3Client(new SecretsManagerClient({})), secretId);
  };
  return {
    read: async () => (await (store ??= load())).read(),
    write: async (text) => (await (store ??= load())).write(text),
  };
}
