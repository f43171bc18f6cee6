import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';

/** Outside any VPC; in the VPC without a route out; in the VPC behind the NAT gateway. */
export type Placement = 'outside' | 'isolated' | 'internet';

/**
 * Where a function runs, derived from its declaration (the registry has no Redis flag yet):
 * a function that uses Redis runs in the VPC; one that also verifies JWTs (the authorizer,
 * fetching the identity provider's JWKS) needs the internet as well. Redis users: every
 * HTTP function (the handler factory counts requests and rate-limits in Redis), functions
 * with the revocation list, and functions with a grant on an entity's table (they build the
 * entity's service and with it the container's cache).
 */
export function placementOf(declaration: LambdaDeclaration | FunctionDeclaration, entityTables: ReadonlySet<string>): Placement {
  const usesRedis =
    'routes' in declaration ||
    declaration.revocationList === true ||
    declaration.tables.some((grant) => entityTables.has(grant.table));
  if (!usesRedis) return 'outside';
  return declaration.identityProvider ? 'internet' : 'isolated';
}
