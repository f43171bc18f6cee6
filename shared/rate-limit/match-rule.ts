import { globToRegExp } from '../cache/glob-pattern.js';
import type { Permission } from '../entity/define-entity.js';
import type { IdentityKind } from './rate-limit-identity.js';
import type { RateLimitRule } from './rate-limit-rules.js';

/** What rule selection looks at: never the identity's value, only its kind. */
export interface RuleQuery {
  /** The route key (`GET /api/v1/students/{student_id}`), or `<METHOD> $default`. */
  route: string;
  permission: Permission;
  identity: IdentityKind;
}

/** Compiles `rules` once; the returned function gives the first rule matching a request. */
export function ruleMatcher(rules: readonly RateLimitRule[]): (query: RuleQuery) => RateLimitRule | undefined {
  const compiled = rules.map((rule) => ({ rule, routes: rule.routes.map(globToRegExp) }));
  return function matchRule({ route, permission, identity }) {
    const found = compiled.find(
      ({ rule, routes }) =>
        (!rule.permissions || rule.permissions.includes(permission)) &&
        (!rule.identities || rule.identities.includes(identity)) &&
        routes.some((pattern) => pattern.test(route)),
    );
    return found?.rule;
  };
}
