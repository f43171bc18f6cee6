import { describe, expect, it, vi } from 'vitest';
import type { RateLimitRule } from './rate-limit-rules.js';
import { RateLimiter, type RateLimiterOptions, type RateLimitRequest } from './rate-limiter.js';
import type { TokenBucket, TokenBucketStore, TokenBucketTake } from './token-bucket-store.js';

/**
 * The limiter's own logic (key layout, units, fail-open) over a scripted store; the token
 * bucket itself is tested against the real Redis in test/integration/rate-limit.test.ts.
 */
class ScriptedStore implements TokenBucketStore {
  failing = false;
  readonly calls: { key: string; bucket: TokenBucket }[] = [];
  next: TokenBucketTake = { allowed: true, remaining: 4, msUntilFull: 12_001, msUntilNextToken: 0 };
  async take(key: string, bucket: TokenBucket): Promise<TokenBucketTake> {
    this.calls.push({ key, bucket });
    if (this.failing) throw new Error('Command timed out');
    return this.next;
  }
}

const rules: RateLimitRule[] = [{ id: 'read', routes: ['GET *'], perMinute: 30, burst: 5 }];
const request: RateLimitRequest = { route: 'GET /things', permission: 'viewer', identity: { kind: 'user', value: 'user-1' } };

function setup(options: Partial<RateLimiterOptions> = {}) {
  const store = new ScriptedStore();
  const warn = vi.fn();
  const addMetric = vi.fn();
  let clock = 1_000_000;
  const limiter = new RateLimiter(store, rules, { prefix: 'p:', logger: { warn }, metrics: { addMetric }, now: () => clock, ...options });
  return { store, warn, addMetric, limiter, advance: (ms: number) => (clock += ms) };
}

describe('RateLimiter', () => {
  it('takes from the bucket <prefix><rule>:<kind>:<identity> sized by the rule', async () => {
    const { store, limiter } = setup();
    await limiter.check(request);
    await limiter.check({ ...request, identity: { kind: 'ip', value: '2001:db8::1' } });
    expect(store.calls).toEqual([
      { key: 'p:read:user:user-1', bucket: { capacity: 5, refillPerSecond: 0.5 } },
      { key: 'p:read:ip:2001:db8::1', bucket: { capacity: 5, refillPerSecond: 0.5 } },
    ]);
  });

  it('reports limit = burst, remaining tokens and whole seconds until full', async () => {
    const { limiter } = setup();
    expect(await limiter.check(request)).toEqual({ rule: 'read', allowed: true, limit: 5, remaining: 4, resetSeconds: 13, retryAfterSeconds: 0 });
  });

  it('refuses with Retry-After rounded up to at least one second, and counts RateLimited', async () => {
    const { store, limiter, addMetric } = setup();
    store.next = { allowed: false, remaining: 0, msUntilFull: 9_800, msUntilNextToken: 120 };
    expect(await limiter.check(request)).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 10, retryAfterSeconds: 1 });
    expect(addMetric).toHaveBeenCalledWith('RateLimited', 'Count', 1);
  });

  it('does not touch the store for a request no rule covers', async () => {
    const { store, limiter } = setup();
    expect(await limiter.check({ ...request, route: 'POST /things' })).toBeUndefined();
    expect(store.calls).toEqual([]);
  });

  it('limits locally when the store fails: one warning per outage, RateLimitLocalFallback per request, headers still decided', async () => {
    const { store, limiter, warn, addMetric, advance } = setup({ breakerOpenMs: 10_000, localShare: 1 });
    store.failing = true;
    const decisions = [];
    for (let i = 0; i < 7; i++) decisions.push(await limiter.check(request));
    expect(store.calls).toHaveLength(1); // the breaker skips the store while open
    expect(decisions.map((decision) => decision?.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(decisions[0]).toMatchObject({ rule: 'read', limit: 5, remaining: 4, local: true });
    expect(decisions[5]).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatchObject({ retryInMs: 10_000, error: { name: 'Error', message: 'Command timed out' } });
    expect(JSON.stringify(warn.mock.calls[0]![1])).not.toMatch(/stack|node_modules/);
    expect(addMetric.mock.calls.filter(([name]) => name === 'RateLimitLocalFallback')).toHaveLength(7);
    expect(addMetric.mock.calls.filter(([name]) => name === 'RateLimited')).toHaveLength(2);
    expect(addMetric.mock.calls.filter(([name]) => name === 'CircuitOpen')).toEqual([['CircuitOpen', 'Count', 1]]);

    advance(10_000);
    store.failing = false;
    expect(await limiter.check(request)).toMatchObject({ allowed: true });
    expect(await limiter.check(request)).not.toHaveProperty('local');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('gives each container its share of the limit while the store is out', async () => {
    const { store, limiter } = setup({ localShare: 2 });
    store.failing = true;
    const first = await limiter.check(request);
    expect(first).toMatchObject({ limit: 2, remaining: 1, local: true });
    await limiter.check(request);
    expect(await limiter.check(request)).toMatchObject({ allowed: false, retryAfterSeconds: 4 });
  });

  it('keeps limiting another caller while one caller exhausts its local bucket', async () => {
    const { store, limiter } = setup({ localShare: 1 });
    store.failing = true;
    for (let i = 0; i < 20; i++) await limiter.check(request);
    const other = { ...request, identity: { kind: 'user' as const, value: 'user-2' } };
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await limiter.check(other))?.allowed);
    expect(answers).toEqual([true, true, true, true, true, false]);
  });

  it('refuses a local share below one', () => {
    expect(() => setup({ localShare: 0.5 })).toThrow(/at least 1/);
  });

  it('warns again when the store fails again after it recovered', async () => {
    const { store, limiter, warn, advance } = setup({ breakerOpenMs: 1_000 });
    store.failing = true;
    await limiter.check(request);
    advance(1_000);
    await limiter.check(request); // half-open trial fails: a new outage
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
