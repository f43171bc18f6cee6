import type { Permission } from '../entity/define-entity.js';
import { ForbiddenError, TooManyRequestsError, UnauthenticatedError } from '../errors/app-error.js';
import type { AuthFailure } from './authorizer-context.js';

const REALM = 'records-platform';
const CHALLENGE = `Bearer realm="${REALM}"`;

/** No Authorization header and no X-API-Key (`auth.credentialsMissing`). */
export class CredentialsMissingError extends UnauthenticatedError {
  constructor() {
    super('auth.credentialsMissing', 'Authentication is required: send "Authorization: Bearer <token>" or "X-API-Key: <key>".', CHALLENGE);
  }
}

const REJECTED: Record<Exclude<AuthFailure, 'missing' | 'unavailable' | 'throttled'>, { code: string; message: string; description: string }> = {
  malformed: {
    code: 'auth.credentialsInvalid',
    message: 'The credentials are not a bearer token or an API key in the expected format.',
    description: 'malformed credentials',
  },
  invalid: { code: 'auth.credentialsInvalid', message: 'The credentials are not valid.', description: 'invalid credentials' },
  expired: { code: 'auth.tokenExpired', message: 'The token has expired; obtain a new one.', description: 'the token expired' },
  revoked: { code: 'auth.credentialsRevoked', message: 'The credentials have been revoked.', description: 'the credentials were revoked' },
};

/**
 * Credentials were sent but cannot be accepted. The detail never echoes them, nor says which
 * check failed beyond expiry/revocation (the authorizer logs that).
 */
export class CredentialsRejectedError extends UnauthenticatedError {
  constructor(readonly reason: keyof typeof REJECTED) {
    const { code, message, description } = REJECTED[reason];
    super(code, message, `${CHALLENGE}, error="invalid_token", error_description="${description}"`, { reason });
  }
}

/** Authenticated, but the role does not reach the route's permission (`auth.insufficientRole`). */
export class InsufficientRoleError extends ForbiddenError {
  constructor(required: Exclude<Permission, 'public'>) {
    super('auth.insufficientRole', `This operation needs the ${required} role or a higher one.`, `${CHALLENGE}, error="insufficient_scope"`, { required });
  }
}

/** Too many failed authentication attempts from this source or for this key id (`auth.tooManyFailures`, 429). */
export class TooManyFailedAttemptsError extends TooManyRequestsError {
  constructor(retryAfterSeconds: number) {
    super('auth.tooManyFailures', `Too many failed authentication attempts; retry after ${retryAfterSeconds} s.`, retryAfterSeconds);
  }
}
