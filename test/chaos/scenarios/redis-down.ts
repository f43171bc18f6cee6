import type { ChaosResponse, ChaosStack } from '../chaos-stack.js';
import { eventually, inLanes, sleep, statusLine } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import { counterDrift, countersMatchItems, STUDENTS, studentBody } from '../student-ledger.js';

const CACHE_STATS = '/api/v1/admin/cache/stats';
const CACHE_CLEAR = '/api/v1/admin/cache/clear';

/**
 * Redis goes away (the proxy in front of it cuts every connection and refuses new ones) and
 * comes back. docs/cache.md: reads bypass the cache to DynamoDB; docs/security.md: writes
 * still pass (revocations live in DynamoDB), rate limits fall back to each container's own
 * buckets; the admin cache operations answer 503 + Retry-After. After the breaker's 15 s
 * the cache is used again and serves nothing a write during the outage replaced.
 */
export const redisDown: ChaosScenario = {
  name: 'redis-down',
  about: 'Redis cut and restored behind a TCP proxy (machine Redis untouched)',
  async run(chaos, checks) {
    const tag = `RD${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const seeded = await inLanes([0, 1, 2, 3, 4], 5, (n) => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }));
    checks.expect(
      'seed 5 students',
      seeded.every((res) => res.status === 201),
      seeded.map((res) => res.status).join(','),
    );
    // Warm the cache: the second read of each is a hit.
    for (let round = 0; round < 2; round++) for (let n = 0; n < 5; n++) await chaos.request('GET', `${STUDENTS}/${tag}-${n}`, { as: 'viewer' });
    // Hit counts ride along with later Redis commands (docs/cache.md): give them a moment.
    await eventually(
      async () => {
        for (let n = 0; n < 5; n++) await chaos.request('GET', `${STUDENTS}/${tag}-${n}`, { as: 'viewer' });
        return ((await cacheHits(chaos)) ?? 0) > 0;
      },
      15_000,
      500,
    );
    const hitsBefore = await cacheHits(chaos);
    checks.expect('cache serves hits before the cut', (hitsBefore ?? 0) > 0, `L1+L2 hits ${hitsBefore}`);

    await chaos.redis.cut();
    const during: ChaosResponse[] = [];
    const reads = await inLanes(
      Array.from({ length: 30 }, (_, i) => i % 5),
      5,
      (n) => chaos.request('GET', `${STUDENTS}/${tag}-${n}`, { as: 'viewer' }),
    );
    during.push(...reads);
    checks.expect(
      'reads by id answer 200 with the item while Redis is down (cache bypass)',
      reads.every((res, i) => res.status === 200 && res.body?.student_id === `${tag}-${i % 5}`),
      statusLine(reads),
    );
    const listed = await chaos.request('GET', `${STUDENTS}?page_size=5`, { as: 'viewer' });
    during.push(listed);
    checks.expect('list answers 200 while Redis is down', listed.status === 200, `${listed.status}`);
    checks.expect(
      'rate-limit headers still sent (per-container buckets)',
      reads.every((res) => res.headers.get('x-ratelimit-limit') !== null),
      `x-ratelimit-limit ${reads[0]?.headers.get('x-ratelimit-limit')}`,
    );
    const creates = await inLanes([5, 6, 7], 3, (n) => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }));
    during.push(...creates);
    checks.expect(
      'creates answer 201 while Redis is down (revocations are in DynamoDB)',
      creates.every((res) => res.status === 201),
      statusLine(creates),
    );
    const update = await chaos.request('PATCH', `${STUDENTS}/${tag}-0`, { json: { first_name: 'Outage' }, as: 'staff' });
    during.push(update);
    checks.expect(
      'update answers 200 while Redis is down',
      update.status === 200,
      `${update.status} ${update.status === 200 ? '' : update.text.slice(0, 120)}`,
    );
    const readBack = await chaos.request('GET', `${STUDENTS}/${tag}-0`, { as: 'viewer' });
    during.push(readBack);
    checks.expect('a read during the outage sees the update', readBack.body?.first_name === 'Outage', `first_name ${readBack.body?.first_name}`);
    const clear = await chaos.request('POST', CACHE_CLEAR);
    during.push(clear);
    checks.expect(
      'admin cache clear answers 503 + Retry-After (no silent "0 removed")',
      clear.status === 503 && clear.headers.get('retry-after') !== null,
      `${clear.status} retry-after ${clear.headers.get('retry-after')}`,
    );
    checks.expectDocumented('every answer during the outage is documented (no 5xx but 503 + Retry-After problem)', during, [200, 201, 503]);

    await chaos.redis.restore();
    // The breaker skips Redis for 15 s after it opened; then hits must come back.
    const resumed = await eventually(
      async () => {
        await chaos.request('GET', `${STUDENTS}/${tag}-1`, { as: 'viewer' });
        await chaos.request('GET', `${STUDENTS}/${tag}-1`, { as: 'viewer' });
        return ((await cacheHits(chaos)) ?? 0) > (hitsBefore ?? 0);
      },
      40_000,
      1_000,
    );
    checks.expect('caching resumes after Redis is back (no restart)', resumed, `L1+L2 hits ${hitsBefore} → ${await cacheHits(chaos)}`);
    // Now every container may trust the cache again: nothing replaced during the outage may be served.
    await sleep(600);
    const after = await inLanes([0, 0, 0, 5, 6, 7], 3, (n) => chaos.request('GET', `${STUDENTS}/${tag}-${n}`, { as: 'viewer' }));
    checks.expect(
      'after recovery the cache never serves the value the outage update replaced',
      after.slice(0, 3).every((res) => res.body?.first_name === 'Outage'),
      after
        .slice(0, 3)
        .map((res) => res.body?.first_name)
        .join(','),
    );
    checks.expect(
      'students created during the outage are readable after it',
      after.slice(3).every((res) => res.status === 200),
      statusLine(after.slice(3)),
    );
    const cleared = await chaos.request('POST', CACHE_CLEAR);
    checks.expect('admin cache clear works again', cleared.status >= 200 && cleared.status < 300, `${cleared.status}`);
    const counted = await countersMatchItems(chaos, drift);
    checks.expect('list total equals the items stored', counted.pass, counted.detail);
  },
};

/** Reads the cache answered (L1 + L2), as `GET /admin/cache/stats` aggregates them; undefined while it cannot. */
async function cacheHits(chaos: ChaosStack): Promise<number | undefined> {
  const res = await chaos.request('GET', CACHE_STATS);
  return res.status === 200 && res.body?.enabled !== false ? Number(res.body.l1?.hits ?? 0) + Number(res.body.l2?.hits ?? 0) : undefined;
}
