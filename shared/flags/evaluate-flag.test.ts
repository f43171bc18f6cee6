import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFlag } from './evaluate-flag.js';
import type { FlagDeclaration } from './flag-declarations.js';
import { flagRulesSchema } from './flag-rules.js';

const bool: FlagDeclaration = { name: 'push', description: 'd', type: 'boolean', default: false };
const variant: FlagDeclaration = { name: 'renderer', description: 'd', type: 'variant', variants: ['classic', 'pipeline', 'beta'], default: 'classic' };
const rules = (input: object) => flagRulesSchema.parse({ enabled: true, ...input });

describe('evaluateFlag', () => {
  it('returns the declared default without rules', () => expect(evaluateFlag(bool, undefined, {})).toEqual({ value: false, reason: 'default' }));

  it('is on for everyone when enabled without targeting, off for everyone when disabled', () => {
    expect(evaluateFlag(bool, rules({}), { userId: 'u1' })).toEqual({ value: true, reason: 'global' });
    expect(evaluateFlag(bool, rules({}), {})).toEqual({ value: true, reason: 'global' });
    expect(evaluateFlag(bool, rules({ enabled: false, allow: ['u1'] }), { userId: 'u1' })).toEqual({ value: false, reason: 'disabled' });
  });

  it('deny beats allow; allow-listed users are on, everyone else off', () => {
    const r = rules({ allow: ['u1', 'u2'], deny: ['u2'] });
    expect(evaluateFlag(bool, r, { userId: 'u1' })).toEqual({ value: true, reason: 'allow' });
    expect(evaluateFlag(bool, r, { userId: 'u2' })).toEqual({ value: false, reason: 'deny' });
    expect(evaluateFlag(bool, r, { userId: 'u3' })).toEqual({ value: false, reason: 'not_targeted' });
    expect(evaluateFlag(bool, r, {})).toEqual({ value: false, reason: 'not_targeted' });
  });

  it('turns the flag on for the listed roles', () => {
    expect(evaluateFlag(bool, rules({ roles: ['admin'] }), { role: 'admin' })).toEqual({ value: true, reason: 'role' });
    expect(evaluateFlag(bool, rules({ roles: ['admin'] }), { role: 'viewer' })).toEqual({ value: false, reason: 'not_targeted' });
  });

  it('an allow-listed user is on even outside the rollout; a caller without a user id is outside it', () => {
    const r = rules({ percentage: 0, allow: ['vip'] });
    expect(evaluateFlag(bool, r, { userId: 'vip' }).value).toBe(true);
    expect(evaluateFlag(bool, rules({ percentage: 100 }), {})).toEqual({ value: false, reason: 'rollout' });
  });

  it('serves the configured variant to selected users and the default to the rest', () => {
    expect(evaluateFlag(variant, rules({ variant: 'beta', allow: ['u1'] }), { userId: 'u1' }).value).toBe('beta');
    expect(evaluateFlag(variant, rules({ variant: 'beta', allow: ['u1'] }), { userId: 'u2' }).value).toBe('classic');
    expect(evaluateFlag(variant, rules({}), {}).value).toBe('pipeline');
    // A variant the declaration does not know falls back to the declared default, never throws.
    expect(evaluateFlag(variant, rules({ variant: 'nonsense' }), {}).value).toBe('classic');
  });

  it('enables within ±1.5 points of the target over 10,000 users', () => {
    for (const target of [10, 50]) {
      const on = Array.from({ length: 10_000 }, (_, i) => evaluateFlag(bool, rules({ percentage: target }), { userId: `user-${i}` }).value).filter(
        Boolean,
      ).length;
      expect(Math.abs(on / 100 - target)).toBeLessThanOrEqual(1.5);
    }
  });

  it('keeps every user enabled at 10 % enabled at 20 %', () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const at = (percentage: number) => new Set(users.filter((userId) => evaluateFlag(bool, rules({ percentage }), { userId }).value));
    const ten = at(10);
    const twenty = at(20);
    expect(ten.size).toBeGreaterThan(0);
    expect([...ten].filter((user) => !twenty.has(user))).toEqual([]);
  });

  it('raising the percentage only adds users (any user, any two percentages)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (userId, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const atLow = evaluateFlag(bool, rules({ percentage: low }), { userId }).value;
        const atHigh = evaluateFlag(bool, rules({ percentage: high }), { userId }).value;
        return !atLow || atHigh === true;
      }),
    );
  });

  it('gives different flags independent rollouts for the same user', () => {
    const other: FlagDeclaration = { ...bool, name: 'other' };
    const users = Array.from({ length: 2_000 }, (_, i) => `user-${i}`);
    const both = users.filter(
      (userId) => evaluateFlag(bool, rules({ percentage: 50 }), { userId }).value && evaluateFlag(other, rules({ percentage: 50 }), { userId }).value,
    );
    // Independent 50 % rollouts overlap on about a quarter of users, not half.
    expect(Math.abs(both.length / users.length - 0.25)).toBeLessThan(0.05);
  });
});
