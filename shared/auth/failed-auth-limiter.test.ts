import { describe, expect, it } from 'vitest';
import { FailedAuthLimiter, failedAuthLimits, failureSubjects } from './failed-auth-limiter.js';

describe('FailedAuthLimiter', () => {
  const limits = { ip: { perMinute: 60, burst: 3 }, apiKey: { perMinute: 6, burst: 2 } };

  it('lets a subject fail `burst` times, then refuses with the seconds until the next attempt', () => {
    let clock = 0;
    const limiter = new FailedAuthLimiter(limits, () => clock);
    const ip = [{ kind: 'ip' as const, value: '203.0.113.9' }];
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter(ip)).toBeUndefined();
      limiter.recordFailure(ip);
    }
    expect(limiter.retryAfter(ip)).toBe(1);
    clock += 1_000;
    expect(limiter.retryAfter(ip)).toBeUndefined();
    expect(limiter.retryAfter([{ kind: 'ip', value: '198.51.100.1' }])).toBeUndefined();
  });

  it('refuses when any subject is out of budget: an API key id guessed from many IPs', () => {
    const limiter = new FailedAuthLimiter(limits, () => 0);
    const key = { kind: 'apiKey' as const, value: 'ak_0123456789abcdef' };
    limiter.recordFailure([{ kind: 'ip', value: '10.0.0.1' }, key]);
    limiter.recordFailure([{ kind: 'ip', value: '10.0.0.2' }, key]);
    expect(limiter.retryAfter([{ kind: 'ip', value: '10.0.0.3' }, key])).toBe(10);
  });

  it('peeking never spends budget', () => {
    const limiter = new FailedAuthLimiter(limits, () => 0);
    const ip = [{ kind: 'ip' as const, value: '203.0.113.9' }];
    for (let i = 0; i < 100; i++) expect(limiter.retryAfter(ip)).toBeUndefined();
  });
});

describe('failureSubjects', () => {
  it('counts against the source IP and the key id a well-formed X-API-Key names', () => {
    expect(failureSubjects({ ip: '203.0.113.9' }, 'ak_0123456789abcdef.wrong-secret')).toEqual([
      { kind: 'ip', value: '203.0.113.9' },
      { kind: 'apiKey', value: 'ak_0123456789abcdef' },
    ]);
    expect(failureSubjects({ ip: '203.0.113.9' }, 'garbage')).toEqual([{ kind: 'ip', value: '203.0.113.9' }]);
    expect(failureSubjects({}, undefined)).toEqual([]);
  });
});

describe('failedAuthLimits', () => {
  it('reads exact overrides and refuses nonsense', () => {
    expect(failedAuthLimits({ AUTH_FAILURE_LIMIT_IP: '5:2' }).ip).toEqual({ perMinute: 5, burst: 2 });
    expect(failedAuthLimits({}).apiKey).toEqual({ perMinute: 10, burst: 10 });
    expect(() => failedAuthLimits({ AUTH_FAILURE_LIMIT_API_KEY: 'lots' })).toThrow(/AUTH_FAILURE_LIMIT_API_KEY/);
  });
});
