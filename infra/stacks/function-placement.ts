import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';

/** Outside any VPC; in the VPC without a route out (nothing runs behind a NAT gateway). */
export type Placement = 'outside' | 'isolated';

/**
 * Where a function runs, derived from its declaration (the registry has no Redis flag yet):
 * a function that uses Redis runs in the VPC, with no route to the internet: the authorizer
 * reads the identity provider's JWKS from the copy the `auth-jwks-copier` keeps in Secrets
 * Manager (infra/constructs/jwks-copy.ts), through the VPC endpoint. Redis users: every
 * HTTP function (the handler factory counts requests and rate-limits in Redis), functions
 * with the revocation list, and functions with a grant on an entity's table (they build the
 * entity's service and with it the container's cache).
 */
export function placementOf(declaration: LambdaDeclaration | FunctionDeclaration, entityTables: ReadonlySet<string>): Placement {
  const usesRedis = 'routes' in declaration || declaration.revocationList === true || declaration.tables.some((grant) => entityTables.has(grant.table));
  return usesRedis ? 'isolated' : 'outside';
}
