import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { bearer } from './support/tokens.js';

/**
 * Rate limits as deployed: the esbuild bundles behind the local gateway, each function its own
 * limiter (built on its first request from the env set here), all sharing the buckets in
 * Redis. Tight limits for this file only; every other suite runs without REDIS_URL or with
 * RATE_LIMIT_SCALE=1000 (vitest.config.ts). Run `npm run build` first.
 */
const BASE = '/api/v1/students';

describeWithRedis('rate limits through the local gateway', () => {
  let api: LocalApi;
  let redis: RedisTestPrefix;

  beforeAll(async () => {
    redis = redisTestPrefix('rate-limit-e2e');
    Object.assign(process.env, {
      REDIS_URL: TEST_REDIS_URL,
      CACHE_KEY_PREFIX: `${redis.prefix}cache:`,
      RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rl:`,
      RATE_LIMIT_READ: '6:3', // 3 at once, then one every 10 s
      RATE_LIMIT_WRITE: '6:2',
    });
    api = await startLocalApi({ role: 'staff' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
  });

  it('limits public routes by IP: 3 answers with X-RateLimit headers, then 429 problem+json with Retry-After', async () => {
    for (const remaining of ['2', '1', '0']) {
      const res = await api.request('GET', '/health', { as: null });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(remaining);
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    }
    const refused = await api.request('GET', '/openapi.json', { as: null }); // same bucket: reads by this IP
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect(refused.body).toMatchObject({ status: 429, code: 'rate.limited', title: 'Too Many Requests', instance: '/openapi.json' });
  });

  it('counts an authenticated caller by user, not by the exhausted IP', async () => {
    const res = await api.request('GET', `${BASE}?page_size=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('limits writes in their own bucket, error answers included', async () => {
    const headers = await bearer('staff', { sub: 'rate-limited-writer' });
    const invalid = await api.request('POST', BASE, { headers, json: { student_id: 'rl1' } });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('x-ratelimit-limit')).toBe('2');
    expect(invalid.headers.get('x-ratelimit-remaining')).toBe('1');
    const created = await api.request('POST', BASE, { headers, json: { student_id: 'rl1', first_name: 'Rate', last_name: 'Limit' } });
    expect(created.status).toBe(201);
    const refused = await api.request('POST', BASE, { headers, json: { student_id: 'rl2', first_name: 'Rate', last_name: 'Limit' } });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate.limited');
    expect((await api.request('GET', `${BASE}/RL1`, { headers })).status).toBe(200); // reads still allowed
  });
});
