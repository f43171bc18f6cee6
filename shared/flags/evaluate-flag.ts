import type { FlagDeclaration } from './flag-declarations.js';
import type { FlagRules } from './flag-rules.js';
import { rolloutBucket } from './rollout-bucket.js';

/** Who is asking: the principal's id and role, plus free attributes for future rules. */
export interface FlagContext {
  readonly userId?: string;
  readonly role?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Why a flag evaluated the way it did (low cardinality: a metric dimension). */
export type FlagReason = 'default' | 'disabled' | 'deny' | 'allow' | 'role' | 'rollout' | 'global' | 'not_targeted';

export interface FlagResult {
  readonly value: boolean | string;
  readonly reason: FlagReason;
}

/**
 * Pure evaluation of one declared flag against its live rules (see flag-rules.ts for the
 * order); no rules → the declared default. Never throws: a `variant` the declaration does not
 * list falls back to the default.
 */
export function evaluateFlag(declaration: FlagDeclaration, rules: FlagRules | undefined, context: FlagContext): FlagResult {
  if (!rules) return { value: declaration.default, reason: 'default' };
  const off = declaration.type === 'boolean' ? false : declaration.default;
  const on = onValue(declaration, rules);
  const { userId, role } = context;
  if (!rules.enabled) return { value: off, reason: 'disabled' };
  if (userId !== undefined && rules.deny.includes(userId)) return { value: off, reason: 'deny' };
  if (userId !== undefined && rules.allow.includes(userId)) return { value: on, reason: 'allow' };
  if (role !== undefined && rules.roles.includes(role)) return { value: on, reason: 'role' };
  if (rules.percentage !== undefined) {
    const inside = userId !== undefined && rolloutBucket(declaration.name, userId) < rules.percentage;
    return { value: inside ? on : off, reason: 'rollout' };
  }
  const targeted = rules.allow.length > 0 || rules.roles.length > 0;
  return targeted ? { value: off, reason: 'not_targeted' } : { value: on, reason: 'global' };
}

function onValue(declaration: FlagDeclaration, rules: FlagRules): boolean | string {
  if (declaration.type === 'boolean') return true;
  if (rules.variant !== undefined) return declaration.variants.includes(rules.variant) ? rules.variant : declaration.default;
  return declaration.variants.find((variant) => variant !== declaration.default) ?? declaration.default;
}
