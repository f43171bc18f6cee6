import { apiKeysService } from '../api-keys/api-keys-container.js';
import { requiredEnv } from '../runtime/required-env.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';
import { FailedAuthLimiter, failedAuthLimits } from './failed-auth-limiter.js';
import { jwksFromEnv } from './jwks-source.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { revocationList } from './revocation-container.js';

let authenticator: Authenticator | undefined;

/**
 * The authorizer's authenticator, built once per cold start from `AUTH_JWKS_URL` (or
 * `AUTH_JWKS_FILE`), `AUTH_ISSUER` and `AUTH_AUDIENCE` (comma-separated app client ids).
 */
export function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env): Authenticator {
  if (!authenticator) {
    const issuer = requiredEnv(env, 'AUTH_ISSUER');
    const audience = requiredEnv(env, 'AUTH_AUDIENCE')
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    const revocations = revocationList(env);
    authenticator = createAuthenticator({
      jwt: createJwtVerifier({ keys: jwksFromEnv(env), issuer, audience }),
      apiKeys: apiKeysService({ revocations }, env),
      revocations,
      failures: new FailedAuthLimiter(failedAuthLimits(env)),
    });
  }
  return authenticator;
}
