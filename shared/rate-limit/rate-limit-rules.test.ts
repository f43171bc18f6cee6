import { describe, expect, it } from 'vitest';
import { overrideVariable, RATE_LIMIT_RULES, rateLimitRules } from './rate-limit-rules.js';

const byId = (rules: { id: string; perMinute: number; burst: number }[]) =>
  Object.fromEntries(rules.map(({ id, perMinute, burst }) => [id, { perMinute, burst }]));

describe('rateLimitRules', () => {
  it('keeps the declared defaults without overrides: admin 10/min, writes 30/min, reads 100/min burst 20', () => {
    expect(byId(rateLimitRules({}))).toEqual({
      admin: { perMinute: 10, burst: 5 },
      write: { perMinute: 30, burst: 10 },
      read: { perMinute: 100, burst: 20 },
    });
  });

  it('multiplies rate and burst of every rule by RATE_LIMIT_SCALE', () => {
    expect(byId(rateLimitRules({ RATE_LIMIT_SCALE: '1000' })).read).toEqual({ perMinute: 100_000, burst: 20_000 });
    expect(byId(rateLimitRules({ RATE_LIMIT_SCALE: '0.01' })).admin).toEqual({ perMinute: 0.1, burst: 1 });
  });

  it('sets one rule exactly from RATE_LIMIT_<ID>, unscaled, leaving the others scaled', () => {
    const rules = byId(rateLimitRules({ RATE_LIMIT_READ: '300:5', RATE_LIMIT_SCALE: '2' }));
    expect(rules.read).toEqual({ perMinute: 300, burst: 5 });
    expect(rules.write).toEqual({ perMinute: 60, burst: 20 });
  });

  it('keeps route patterns, permissions and order of the declaration', () => {
    const rules = rateLimitRules({ RATE_LIMIT_SCALE: '3' });
    expect(rules.map(({ id, routes, permissions }) => ({ id, routes, permissions }))).toEqual(
      RATE_LIMIT_RULES.map(({ id, routes, permissions }) => ({ id, routes, permissions })),
    );
  });

  it.each([['abc'], ['0'], ['-1'], ['Infinity']])('refuses RATE_LIMIT_SCALE=%s', (value) => {
    expect(() => rateLimitRules({ RATE_LIMIT_SCALE: value })).toThrow(/RATE_LIMIT_SCALE/);
  });

  it.each([['100'], ['100:0'], ['0:5'], ['100/5'], ['1e3:5'], ['100:2.5']])('refuses RATE_LIMIT_WRITE=%s', (value) => {
    expect(() => rateLimitRules({ RATE_LIMIT_WRITE: value })).toThrow(/RATE_LIMIT_WRITE must be/);
  });

  it('names the override variable after the rule id', () => {
    expect(overrideVariable('bulk-import')).toBe('RATE_LIMIT_BULK_IMPORT');
    expect(() => rateLimitRules({}, [{ id: 'Bad Id', routes: ['*'], perMinute: 1, burst: 1 }])).toThrow(/rule id/);
  });
});
