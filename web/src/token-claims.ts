import { ROLES, type Role } from './roles.js';

/**
 * The claims of a JWT the console was just given by Cognito over TLS, read without verifying:
 * they only decide what the page shows. The API verifies every token it receives.
 */
export function unverifiedClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (char) => char.charCodeAt(0)))) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The highest API role among the token's `cognito:groups` (as the authorizer decides it), if any. */
export function roleOfToken(token: string): Role | undefined {
  const groups = unverifiedClaims(token)['cognito:groups'];
  if (!Array.isArray(groups)) return undefined;
  return [...ROLES].reverse().find((role) => groups.includes(role));
}
