import type { FlagDeclaration } from './flag-declarations.js';
import type { FlagRules } from './flag-rules.js';
import { rolloutBucket } from './rollout-bucket.js';

/** Who is asking: the principal's id and role, plus free attributes for future rules. */
export interface FlagContext {
  readonly userId?: string;
  readonly role?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Why a flag evaluated the way it did (low cardinality: used as a metric dimension). */
export type FlagReason = 'default' | 'disabled' | 'deny' | 'allow' | 'role' | 'rollout' | 'value';

export interface FlagResult {
  readonly value: boolean | string;
  readonly reason: FlagReason;
}

/**
 * Pure evaluation of one declared flag against its rules (undefined rules → the declared default).
 * Never throws: a rule value of the wrong type for the flag falls back to the default.
 */
export function evaluateFlag(declaration: FlagDeclaration, rules: FlagRules | undefined, context: FlagContext): FlagResult {
  const fallback: FlagResult = { value: declaration.default, reason: 'default' };
  if (!rules) return fallback;
  const on = onValue(declaration, rules);
  const off = offValue(declaration);
  const accept = (value: unknown, reason: FlagReason): FlagResult => (valid(declaration, value) ? { value, reason } : fallback);
  if (!rules.enabled) return { value: off, reason: 'disabled' };
  const userId = context.userId;
  if (userId !== undefined && rules.deny.includes(userId)) return { value: off, reason: 'deny' };
  if (userId !== undefined && rules.allow.includes(userId)) return accept(on, 'allow');
  if (context.role !== undefined && Object.hasOwn(rules.roles, context.role)) return accept(rules.roles[context.role], 'role');
  if (rules.percentage !== undefined && userId !== undefined && rolloutBucket(declaration.name, userId) < rules.percentage) return accept(on, 'rollout');
  if (rules.value !== undefined) return accept(rules.value, 'value');
  if (rules.percentage !== undefined) return { value: off, reason: 'rollout' };
  return fallback;
}

function onValue(declaration: FlagDeclaration, rules: FlagRules): boolean | string {
  if (declaration.type === 'boolean') return true;
  return rules.variant ?? declaration.variants.find((v) => v !== declaration.default) ?? declaration.default;
}

/** "Off" is false for a boolean flag and the declared default variant for a variant flag. */
function offValue(declaration: FlagDeclaration): boolean | string {
  return declaration.type === 'boolean' ? false : declaration.default;
}

function valid(declaration: FlagDeclaration, value: unknown): value is boolean | string {
  return declaration.type === 'boolean' ? typeof value === 'boolean' : typeof value === 'string' && declaration.variants.includes(value);
}
