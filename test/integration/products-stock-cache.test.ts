import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../e2e/support/local-api.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * A stock change in the products-stock function is seen at once by products-get and
 * products-list, each its own bundle with its own L1 over the shared Redis (products declare
 * l1StaleMs 0). Run `npm run build` first.
 */
const BASE = '/api/v1/products';

describeWithRedis('stock changes and the cache', () => {
  let api: LocalApi;
  let redis: RedisTestPrefix;

  beforeAll(async () => {
    redis = redisTestPrefix('products-cache');
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.CACHE_KEY_PREFIX = redis.prefix;
    api = await startLocalApi({ role: 'staff' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
  });

  const cachedItems = async () => (await redis.keys()).filter((key) => /:\{products\}:v\d+:item:CACHE-01$/.test(key));

  it('serves the cached product until a stock change, then the changed one from every function', async () => {
    expect((await api.request('POST', BASE, { json: { sku: 'cache-01', name: 'Cached', price_minor: 500, currency: 'USD' } })).status).toBe(201);
    const first = await api.request('GET', `${BASE}/CACHE-01`);
    expect(first.body).toMatchObject({ stock_available: 0, version: 1 });
    expect(await cachedItems()).toHaveLength(1);
    expect((await api.request('GET', `${BASE}/CACHE-01`)).text).toBe(first.text);

    const changed = await api.request('POST', `${BASE}/CACHE-01/stock`, { json: { delta: 8, reason: 'delivery' } });
    expect(changed.status, changed.text).toBe(200);
    const after = await api.request('GET', `${BASE}/CACHE-01`);
    expect(after.body).toEqual(changed.body);
    expect(after.headers.get('etag')).toBe('"2"');
    const listed = await api.request('GET', `${BASE}?search=cache-01`);
    expect(listed.body.items).toEqual([changed.body]);

    // A refused change wrote nothing and leaves the cached entry in place.
    expect((await api.request('POST', `${BASE}/CACHE-01/stock`, { json: { delta: -9, reason: 'too many' } })).status).toBe(409);
    expect((await api.request('GET', `${BASE}/CACHE-01`)).body).toMatchObject({ stock_available: 8, version: 2 });
  });
});
