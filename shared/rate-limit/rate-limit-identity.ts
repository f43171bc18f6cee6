import type { Principal } from '../auth/principal.js';

/** Who a request is counted against, strongest identity first. */
export type IdentityKind = 'apiKey' | 'user' | 'ip';

export interface RateLimitIdentity {
  kind: IdentityKind;
  /** API key id (`ak_…`), token subject, or source IP. */
  value: string;
}

/**
 * The identity a request's bucket belongs to: the API key id, else the token subject, else
 * the source IP (public routes, where no authorizer runs). Callers behind one NAT share an IP
 * bucket only until they authenticate.
 */
export function identityOf(principal: Principal | undefined, sourceIp: string | undefined): RateLimitIdentity {
  if (principal?.method === 'api_key') return { kind: 'apiKey', value: principal.sub };
  if (principal) return { kind: 'user', value: principal.sub };
  return { kind: 'ip', value: sourceIp || 'unknown' };
}
