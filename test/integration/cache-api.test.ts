import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../e2e/support/local-api.js';
import { students } from '../../shared/students/students.entity.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * The cache as deployed: the esbuild bundles behind the local gateway, each function its own
 * "container" (own module instance, own L1, own Redis connection), wired by
 * entity-container.ts from REDIS_URL and CACHE_KEY_PREFIX. Run `npm run build` first.
 */
const BASE = '/api/v1/students';
/** The default settle window after a write, during which list pages are not stored. */
const SETTLE_MS = 1_000;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
/** Past the students' L1 staleness bound: every other function then sees the write. */
const pastL1Bound = () => new Promise((resolve) => setTimeout(resolve, students.cache!.l1StaleMs! + 50));

describeWithRedis('cache through the deployed bundles', () => {
  let api: LocalApi;
  let redis: RedisTestPrefix;

  beforeAll(async () => {
    redis = redisTestPrefix('cache-api');
    // Read by the bundles on their first request (this test file has its own process).
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.CACHE_KEY_PREFIX = redis.prefix;
    api = await startLocalApi({ role: 'admin' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
  });

  const cachedKeys = async () => (await redis.keys()).filter((key) => /:\{students\}:v\d+:(item|list):/.test(key));

  it('caches get and list responses, and a write in one function is seen by the others within l1StaleMs', async () => {
    const created = await api.request('POST', BASE, { json: { student_id: 'api1', first_name: 'Cached', last_name: 'Api', math_score: 8 } });
    expect(created.status).toBe(201);
    await settle();

    const first = await api.request('GET', `${BASE}/API1`);
    const list = await api.request('GET', `${BASE}?page_size=5`);
    expect(first.status).toBe(200);
    expect(list.body.items.map((s: { student_id: string }) => s.student_id)).toContain('API1');
    expect((await cachedKeys()).length).toBe(2);
    const again = await api.request('GET', `${BASE}/API1`);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('etag')).toBe('"1"');
    expect((await api.request('GET', `${BASE}/API1`, { headers: { 'if-none-match': '"1"' } })).status).toBe(304);

    const patched = await api.request('PATCH', `${BASE}/API1`, { json: { first_name: 'Fresh' } });
    expect(patched.status).toBe(200);
    await pastL1Bound();
    const after = await api.request('GET', `${BASE}/API1`);
    expect(after.body).toEqual(patched.body);
    expect(after.headers.get('etag')).toBe('"2"');
    const listAfter = await api.request('GET', `${BASE}?page_size=5`);
    expect(listAfter.body.items.find((s: { student_id: string }) => s.student_id === 'API1')).toEqual(patched.body);

    expect((await api.request('DELETE', `${BASE}/API1`)).status).toBe(204);
    await pastL1Bound();
    expect((await api.request('GET', `${BASE}/API1`)).status).toBe(404);
    expect((await api.request('GET', `${BASE}?page_size=5`)).body.total).toBe(0);
  });

  it('answers 404 for an unknown id without caching the miss', async () => {
    expect((await api.request('GET', `${BASE}/NOBODY`)).status).toBe(404);
    expect((await cachedKeys()).filter((key) => key.endsWith(':item:NOBODY'))).toEqual([]);
  });
});
