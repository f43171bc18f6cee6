import { afterAll, beforeAll, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS } from '../../shared/metrics/latency-histogram.js';
import { type ApiResponse, type Json, type LocalApi, startLocalApi } from '../e2e/support/local-api.js';
import { errorLocs, expectProblem } from '../e2e/support/problem-assertions.js';
import { students } from '../../shared/students/students.entity.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * The admin cache and metrics endpoints as deployed: the esbuild bundles behind the local
 * gateway, each function its own "container" with its own counters and Redis connection,
 * summed in Redis. Run `npm run build` first.
 */
const STUDENTS = '/api/v1/students';
const ADMIN = '/api/v1/admin';
const GET_STUDENT = 'GET /api/v1/students/{student_id}';
/** Containers add their counts at most this late (plus a request to carry them). */
const FLUSH_MS = 1_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past the students' L1 staleness bound: the get container then checks Redis on its next read. */
const pastL1Bound = () => pause(students.cache!.l1StaleMs! + 50);

describeWithRedis('admin cache and metrics endpoints over the local gateway', () => {
  let api: LocalApi;
  let redis: RedisTestPrefix;

  beforeAll(async () => {
    redis = redisTestPrefix('admin-cache-metrics');
    // Read by the bundles on their first request (this test file has its own process).
    Object.assign(process.env, {
      REDIS_URL: TEST_REDIS_URL,
      CACHE_KEY_PREFIX: redis.prefix,
      METRICS_KEY_PREFIX: `${redis.prefix}metrics:`,
      RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
    });
    api = await startLocalApi({ role: 'admin' });
    for (const id of ['AC1', 'AC2', 'AC3']) {
      const created = await api.request('POST', STUDENTS, { json: { student_id: id, first_name: 'Admin', last_name: 'Cache', math_score: 5 } });
      expect(created.status, created.text).toBe(201);
    }
    await pause(1_100); // past the settle window of the writes, so reads are cached
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
  });

  // The entity may sit in a hash tag (`{students}:v0:…`) for cluster-mode caches.
  const entryKeys = async () => (await redis.keys()).filter((key) => /:\{?students\}?:v\d+:(item|list):/.test(key));
  const stats = async (): Promise<Json> => {
    const res = await api.request('GET', `${ADMIN}/cache/stats`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  /**
   * The students-get container adds its counts to Redis with the first request at least a
   * second after its last flush: wait, then send that request (whose own counts are added
   * with it for metrics, but only later for the cache, which counts after its lookup).
   */
  const flushStudentsGet = async (id = 'AC3') => {
    await pause(FLUSH_MS + 100);
    expect((await api.request('GET', `${STUDENTS}/${id}`)).status).toBe(200);
  };

  it('reports the cache statistics of every container: a miss, then a hit', async () => {
    expect(await stats()).toEqual({
      l1: { hits: 0, misses: 0, size: 0, evictions: 0, hit_rate_percent: 0 },
      l2: { hits: 0, misses: 0, size: 0, evictions: expect.any(Number), hit_rate_percent: 0 },
      enabled: true,
    });
    const miss = await api.request('GET', `${STUDENTS}/AC1`);
    const hit = await api.request('GET', `${STUDENTS}/AC1`);
    expect(hit.text).toBe(miss.text);
    await flushStudentsGet();
    const after = await stats();
    expect(after.enabled).toBe(true);
    expect(after.l1).toMatchObject({ hits: 1, misses: 1, size: 1, hit_rate_percent: 50 });
    // AC1 stored after its miss, AC3 after the flushing read.
    expect(after.l2).toMatchObject({ hits: 0, misses: 1, size: 2, hit_rate_percent: 0 });
    expect(after.l2.size).toBe((await entryKeys()).length);
  });

  it('clears every cached entry, answers how many, and the next read misses', async () => {
    const keys = await entryKeys();
    const cached = keys.length;
    expect(cached).toBeGreaterThan(0);
    const namespaceOf = (key: string | undefined) => Number(/:v(\d+):item:AC1$/.exec(key ?? '')?.[1]);
    const before = namespaceOf(keys.find((key) => key.endsWith(':item:AC1')));
    const cleared = await api.request('POST', `${ADMIN}/cache/clear`);
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.headers.get('cache-control')).toBe('no-store');
    expect(cleared.body).toEqual({ entries_removed: cached });
    expect(await entryKeys()).toEqual([]);
    expect((await stats()).l2.size).toBe(0);

    // The get container still holds AC1 in its L1; once its copy is older than l1StaleMs it
    // checks, the moved namespace makes it miss, and the entry is stored again under the new one.
    await pastL1Bound();
    const read = await api.request('GET', `${STUDENTS}/AC1`);
    expect(read.status).toBe(200);
    const again = (await entryKeys()).filter((key) => key.endsWith(':item:AC1'));
    expect(again).toHaveLength(1);
    expect(namespaceOf(again[0])).toBe(before + 1);
    expect((await api.request('POST', `${ADMIN}/cache/clear`)).body).toEqual({ entries_removed: 1 });
  });

  it('invalidates the entries matching students:*, and nothing for a pattern that matches none', async () => {
    await pastL1Bound(); // the previous test cleared L2: the get container must check before it answers
    for (const id of ['AC1', 'AC2']) expect((await api.request('GET', `${STUDENTS}/${id}`)).status).toBe(200);
    expect((await api.request('GET', `${STUDENTS}?page_size=2`)).status).toBe(200);
    const cached = (await entryKeys()).length;
    expect(cached).toBe(3);
    const none = await api.request('POST', `${ADMIN}/cache/invalidate?pattern=${encodeURIComponent('teachers:*')}`);
    expect(none.status, none.text).toBe(200);
    expect(none.body).toEqual({ entries_removed: 0 });
    expect((await entryKeys()).length).toBe(cached);
    const items = await api.request('POST', `${ADMIN}/cache/invalidate?pattern=${encodeURIComponent('students:*:item:*')}`);
    expect(items.body).toEqual({ entries_removed: 2 });
    const all = await api.request('POST', `${ADMIN}/cache/invalidate?pattern=students:*`);
    expect(all.status, all.text).toBe(200);
    expect(all.body).toEqual({ entries_removed: 1 });
    expect(await entryKeys()).toEqual([]);
  });

  it.each([
    ['missing', ''],
    ['empty', '?pattern='],
    ['blank', '?pattern=%20%20'],
  ])('answers 422 at query.pattern when the pattern is %s', async (_what, query) => {
    const res = await api.request('POST', `${ADMIN}/cache/invalidate${query}`);
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['query', 'pattern']]);
  });

  it.each([
    ['GET', `${ADMIN}/cache/stats`],
    ['POST', `${ADMIN}/cache/clear`],
    ['POST', `${ADMIN}/cache/invalidate?pattern=students:*`],
    ['GET', `${ADMIN}/metrics`],
  ])('answers 403 to a staff token on %s %s', async (method, path) => {
    const res = await api.request(method, path, { as: 'staff' });
    expectProblem(res, 403);
    expect(res.body.code).toBe('auth.insufficientRole');
  });

  it('reports request counts, 4xx and bucket percentiles per route, summed over containers', async () => {
    const metrics = async (): Promise<Json> => {
      await flushStudentsGet();
      const res = await api.request('GET', `${ADMIN}/metrics`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const route = (report: Json, key: string) => report.routes.find((entry: Json) => entry.route === key);
    const requests = (report: Json, key: string): number => route(report, key)?.requests ?? 0;
    const before = await metrics();
    const N = 30;
    const reads: ApiResponse[] = [];
    for (let n = 0; n < N; n++) reads.push(await api.request('GET', `${STUDENTS}/${n % 5 === 4 ? 'NOBODY' : `AC${(n % 3) + 1}`}`));
    expect(reads.filter((res) => res.status === 404)).toHaveLength(6);
    const after = await metrics();

    expect(after).toMatchObject({ enabled: true, cache: { enabled: true }, imports: { jobs_total: 0, jobs_failed: 0, rows_imported: 0, rows_failed: 0 } });
    expect(Date.parse(after.since)).toBeLessThanOrEqual(Date.now());
    const [then, now] = [route(before, GET_STUDENT), route(after, GET_STUDENT)];
    // The N reads plus the one that carried them to Redis.
    expect(now.requests - then.requests).toBe(N + 1);
    expect(now.errors['4xx'] - then.errors['4xx']).toBe(6);
    expect(now.errors['5xx']).toBe(0);
    const { p50, p95, p99 } = now.latency_ms;
    for (const p of [p50, p95, p99]) expect(LATENCY_BOUNDS_MS).toContain(p);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(5_000);
    // The metrics function's own earlier request is in: the one that reads sends it first.
    expect(requests(after, `GET ${ADMIN}/metrics`) - requests(before, `GET ${ADMIN}/metrics`)).toBe(1);
    expect(route(after, `GET ${ADMIN}/metrics`).errors['5xx']).toBe(0);
  });
});
