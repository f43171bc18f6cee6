import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.js';
import type { Principal } from '../../shared/auth/principal.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import type { Permission } from '../../shared/entity/define-entity.js';
import { NotFoundError } from '../../shared/errors/app-error.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { RedisTokenBucketStore } from '../../shared/rate-limit/redis/redis-token-bucket-store.js';
import type { RateLimitRule } from '../../shared/rate-limit/rate-limit-rules.js';
import { RateLimiter, type RateLimitRequest } from '../../shared/rate-limit/rate-limiter.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * The token bucket script against the real Redis, and the rate-limit middleware in the real
 * handler chain (limiter built from the env, as in a Lambda container). Each test uses
 * buckets of its own under this file's key prefix.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('token bucket script on Redis', () => {
  let redis: RedisTestPrefix;
  let store: RedisTokenBucketStore;

  beforeAll(() => {
    redis = redisTestPrefix('rate-limit');
    // Patient timeouts: these tests are about semantics, not about a busy machine's latency.
    store = new RedisTokenBucketStore(createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000, connectTimeout: 2_000 }));
  });
  afterAll(async () => {
    await store?.close();
    await redis?.cleanup();
  });

  const takes = (key: string, count: number, capacity: number, refillPerSecond: number) =>
    Promise.all(Array.from({ length: count }, () => store.take(`${redis.prefix}${key}`, { capacity, refillPerSecond })));

  it('allows a full burst, then refuses with the time until the next token', async () => {
    const key = `${redis.prefix}burst`;
    const allowed = [];
    for (let i = 0; i < 5; i++) allowed.push(await store.take(key, { capacity: 5, refillPerSecond: 0.1 }));
    expect(allowed.map((take) => [take.allowed, take.remaining])).toEqual([
      [true, 4],
      [true, 3],
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    const refused = await store.take(key, { capacity: 5, refillPerSecond: 0.1 });
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.msUntilNextToken).toBeGreaterThan(9_000); // one token per 10 s
    expect(refused.msUntilNextToken).toBeLessThanOrEqual(10_000);
    expect(refused.msUntilFull).toBeGreaterThan(49_000);
  });

  it('refills at the configured rate (2 per second), up to the capacity', async () => {
    // 2 tokens/s leaves 500 ms for each burst of 6 concurrent takes, even on a loaded machine,
    // before a refill would let a sixth through; 2.6 s refills 5 tokens and no more (capped).
    const first = await takes('refill', 6, 5, 2);
    expect(first.filter((take) => take.allowed)).toHaveLength(5);
    await sleep(2_600);
    const second = await takes('refill', 6, 5, 2);
    expect(second.filter((take) => take.allowed)).toHaveLength(5);
  });

  it('is atomic: 40 concurrent requests on a bucket of 10 let exactly 10 through', async () => {
    const results = await takes('concurrent', 40, 10, 0.01);
    expect(results.filter((take) => take.allowed)).toHaveLength(10);
  });

  it('keeps buckets apart per key', async () => {
    await takes('user-a', 3, 3, 0.01);
    expect((await takes('user-a', 1, 3, 0.01))[0]!.allowed).toBe(false);
    expect((await takes('user-b', 1, 3, 0.01))[0]!.allowed).toBe(true);
  });

  it('lets the key expire when the bucket would be full again', async () => {
    const [take] = await takes('expiry', 1, 4, 2); // 1 token short of full: refilled in 500 ms
    const ttl = await redis.pttl(`${redis.prefix}expiry`);
    expect(take!.msUntilFull).toBeGreaterThanOrEqual(500);
    expect(take!.msUntilFull).toBeLessThanOrEqual(501);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(take!.msUntilFull);
  });
});

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(route: string, options: { principal?: Principal; sourceIp?: string } = {}): APIGatewayProxyEventV2 {
  const [method, path] = route.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey: route,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '203.0.113.7', userAgent: 'vitest' },
      requestId: 'Kx9pQhXxFiAEJdQ=',
      routeKey: route,
      stage: '$default',
      time: '01/Jan/2025:12:00:00 +0000',
      timeEpoch: 1735732800000,
      ...(options.principal ? { authorizer: { lambda: { principal: JSON.stringify(options.principal) } } } : {}),
    },
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

function handler(permission: Permission, answer: () => Promise<{ statusCode: number; body?: unknown }>) {
  const fn = createHttpHandler({ declaration: { id: `rl-${permission}`, cacheControl: 'no-store', permission }, handle: answer });
  return async (request: APIGatewayProxyEventV2) => {
    const res = (await fn(request, context)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode, headers: res.headers ?? {}, body: res.body ? JSON.parse(res.body) : undefined };
  };
}

describeWithRedis('rate limiting in the handler chain', () => {
  let redis: RedisTestPrefix;
  const ok = async () => ({ statusCode: 200, body: { ok: true } });
  const viewer: Principal = { sub: 'user-1', role: 'viewer', method: 'jwt', jti: 'j-1' };

  beforeAll(() => {
    redis = redisTestPrefix('rate-limit-chain');
    // Read by the container's limiter on its first request (this file has its own process).
    Object.assign(process.env, {
      REDIS_URL: TEST_REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: redis.prefix,
      RATE_LIMIT_READ: '6:3', // 3 at once, then one per 10 s
      RATE_LIMIT_WRITE: '6:1',
    });
  });
  afterAll(async () => {
    await redis?.cleanup();
  });

  it('answers the burst with X-RateLimit headers, then 429 problem+json with Retry-After', async () => {
    const get = handler('public', ok);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await get(event('GET /health', { sourceIp: '198.51.100.1' }));
      statuses.push(res.status);
      expect(res.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': String(2 - i) });
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(30);
    }
    expect(statuses).toEqual([200, 200, 200]);

    const refused = await get(event('GET /health', { sourceIp: '198.51.100.1' }));
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      'cache-control': 'no-store',
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'rate.limited', type: 'urn:records-platform:problem:rate.limited' });
    expect(refused.body.detail).toMatch(/retry after \d+ s/);
  });

  it('counts callers apart: API key, user and IP each have their own bucket', async () => {
    const get = handler('viewer', ok);
    const apiKey: Principal = { sub: 'ak_rl01', role: 'viewer', method: 'api_key' };
    for (let i = 0; i < 3; i++) expect((await get(event('GET /things', { principal: viewer, sourceIp: '198.51.100.2' }))).status).toBe(200);
    expect((await get(event('GET /things', { principal: viewer, sourceIp: '198.51.100.99' }))).status).toBe(429); // same user, other IP
    expect((await get(event('GET /things', { principal: apiKey, sourceIp: '198.51.100.2' }))).status).toBe(200); // same IP, API key
    expect((await get(event('GET /things', { principal: { ...viewer, sub: 'user-2' } }))).status).toBe(200);
    const keys = await redis.keys();
    expect(keys).toEqual(expect.arrayContaining([`${redis.prefix}read:user:user-1`, `${redis.prefix}read:apiKey:ak_rl01`]));
  });

  it('keeps reads and writes in separate buckets', async () => {
    const principal = { ...viewer, sub: 'writer-1', role: 'staff' as const };
    const post = handler('staff', async () => ({ statusCode: 201, body: { ok: true } }));
    expect((await post(event('POST /things', { principal }))).status).toBe(201);
    expect((await post(event('POST /things', { principal }))).status).toBe(429);
    expect((await handler('viewer', ok)(event('GET /things', { principal }))).status).toBe(200);
  });

  it('puts the headers on error responses too', async () => {
    const missing = handler('viewer', async () => {
      throw new NotFoundError('thing.notFound', 'No such thing.');
    });
    const res = await missing(event('GET /things/{id}', { principal: { ...viewer, sub: 'user-404' } }));
    expect(res.status).toBe(404);
    expect(res.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2' });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('does not count requests refused by authorization', async () => {
    const res = await handler('viewer', ok)(event('GET /things', { sourceIp: '198.51.100.3' }));
    expect(res.status).toBe(401);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describeWithRedis('rate limiting while Redis is down or slow', () => {
  const rules: RateLimitRule[] = [{ id: 'read', routes: ['*'], perMinute: 60, burst: 1 }];
  const request: RateLimitRequest = { route: 'GET /things', permission: 'viewer', identity: { kind: 'user', value: 'user-1' } };
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  function limiterAt(url: string) {
    const warn = vi.fn();
    const addMetric = vi.fn();
    const store = new RedisTokenBucketStore(createRedisClient(url));
    const limiter = new RateLimiter(store, rules, { prefix: 'test:rate-limit-down:', logger: { warn }, metrics: { addMetric } });
    return { limiter, store, warn, addMetric };
  }

  it('limits locally at a dead port: a local decision, one warning, RateLimitLocalFallback per request', async () => {
    const { limiter, store, warn, addMetric } = limiterAt(`redis://127.0.0.1:${await freePort()}`);
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.check(request));
    // The rule's burst of 1, shared by two containers: still one request at once here, not unlimited.
    expect(decisions.map((decision) => decision && { allowed: decision.allowed, local: decision.local, limit: decision.limit })).toEqual([
      { allowed: true, local: true, limit: 1 },
      { allowed: false, local: true, limit: 1 },
      { allowed: false, local: true, limit: 1 },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Rate limiter unavailable'), expect.objectContaining({ retryInMs: 15_000 }));
    expect(addMetric.mock.calls.filter(([name]) => name === 'RateLimitLocalFallback')).toEqual(
      Array.from({ length: 3 }, () => ['RateLimitLocalFallback', 'Count', 1]),
    );
    await store.close();
  });

  it('falls back to the local bucket within the 50 ms command timeout when Redis stalls', async () => {
    proxy.mode = 'stall';
    try {
      const { limiter, store, warn } = limiterAt(proxy.url);
      const started = performance.now();
      expect(await limiter.check(request)).toMatchObject({ local: true });
      expect(performance.now() - started).toBeLessThan(400);
      const askedBefore = proxy.bytesReceived;
      expect(askedBefore).toBeGreaterThan(0); // the first check did go to (the stalled) Redis
      expect(await limiter.check(request)).toMatchObject({ local: true });
      await sleep(20);
      expect(proxy.bytesReceived).toBe(askedBefore); // breaker open: Redis not asked
      expect(warn).toHaveBeenCalledTimes(1);
      await store.close();
    } finally {
      proxy.mode = 'forward';
    }
  });
});
