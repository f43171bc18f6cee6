import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFlag } from './evaluate-flag.js';
import type { FlagDeclaration } from './flag-declarations.js';
import { flagRulesSchema } from './flag-rules.js';

const bool: FlagDeclaration = { name: 'push', description: 'd', type: 'boolean', default: false };
const rules = (input: unknown) => flagRulesSchema.parse(input);

describe('evaluateFlag', () => {
  it('returns the declared default without rules', () => expect(evaluateFlag(bool, undefined, {})).toEqual({ value: false, reason: 'default' }));
  it('deny beats allow, allow beats a global off value', () => {
    const r = rules({ value: false, allow: ['u1', 'u2'], deny: ['u2'] });
    expect(evaluateFlag(bool, r, { userId: 'u1' }).value).toBe(true);
    expect(evaluateFlag(bool, r, { userId: 'u2' })).toEqual({ value: false, reason: 'deny' });
    expect(evaluateFlag(bool, r, { userId: 'u3' })).toEqual({ value: false, reason: 'value' });
  });
  it('enabled: false turns the flag off for everyone', () => expect(evaluateFlag(bool, rules({ enabled: false, allow: ['u1'] }), { userId: 'u1' }).value).toBe(false));
  it('applies role rules and falls back to the default on a wrongly typed value', () => {
    expect(evaluateFlag(bool, rules({ roles: { admin: true } }), { role: 'admin' })).toEqual({ value: true, reason: 'role' });
    expect(evaluateFlag(bool, rules({ roles: { admin: 'x' } }), { role: 'admin' })).toEqual({ value: false, reason: 'default' });
  });
  it('enables within ±1.5 points of the target over 10,000 users', () => {
    const on = Array.from({ length: 10_000 }, (_, i) => evaluateFlag(bool, rules({ percentage: 10 }), { userId: `user-${i}` }).value).filter(Boolean).length;
    expect(Math.abs(on / 100 - 10)).toBeLessThanOrEqual(1.5);
  });
  it('raising the percentage only adds users', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (userId, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const atLow = evaluateFlag(bool, rules({ percentage: low }), { userId }).value;
        const atHigh = evaluateFlag(bool, rules({ percentage: high }), { userId }).value;
        return !atLow || atHigh === true;
      }),
    );
  });
});
