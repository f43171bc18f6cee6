import type { AuthFailure } from './authorizer-context.js';

/**
 * Internal verdict of a verifier: why a credential was not accepted. `detail` is a short,
 * credential-free reason for the authorizer's log (`jwt.signature`, `apiKey.unknown` …).
 */
export class CredentialRejected extends Error {
  constructor(
    readonly failure: Exclude<AuthFailure, 'missing'>,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`credential rejected: ${failure} (${detail})`, options);
    this.name = 'CredentialRejected';
  }
}
