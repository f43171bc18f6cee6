import { randomBytes } from 'node:crypto';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient, probeRedis } from '../../shared/cache/redis/redis-client.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { measureAuthorizer } from './authorizer-overhead.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { measureCachedReads, READ_PATHS } from './cached-reads.js';
import { type LatencySummary, ms } from './percentiles.js';

/** Issue target: a cache hit at most this share of the DynamoDB path (p50). */
const TARGET_RATIO = 0.3;

/**
 * `cache`: GET by id through the students service — the DynamoDB path against cache hits
 * (L1, and L2 with L1 off) — and the authorizer's cost per request with a fresh and with a
 * repeated token, in one process against in-memory DynamoDB Local and the Redis at
 * `BENCH_REDIS_URL` / `REDIS_URL` (default 127.0.0.1:6379). Keys go under a prefix of this
 * run and are removed at the end. Locally Redis is a loopback TCP hop; ElastiCache adds TLS
 * and a network hop, DynamoDB in AWS is a network hop too.
 */
export async function runCacheBench(): Promise<BenchOutcome> {
  const redisUrl = process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const probe = await probeRedis(redisUrl);
  if (!probe.ok) {
    console.log(`no Redis at ${redisUrl} (${probe.reason}): nothing measured`);
    return {
      name: 'cache',
      checks: [{ name: 'cache hit / DynamoDB (p50)', measured: `not measured: no Redis (${probe.reason})`, target: `≤ ${TARGET_RATIO}×` }],
      data: { redisUrl, skipped: probe.reason },
    };
  }
  const prefix = `bench:cache:${randomBytes(4).toString('hex')}:`;
  const db = await startBenchDatabase();
  try {
    console.log(`DynamoDB Local in memory at ${db.endpoint}, Redis at ${redisUrl}\n`);
    const reads = await measureCachedReads(db.doc, db.env[tableDesign(students).envVar]!, redisUrl, prefix);
    const dynamo = reads.paths['DynamoDB (no cache)'];
    console.log(`GET by id through the students service: ${reads.items} students, ${reads.rounds} interleaved rounds\n`);
    printTable(
      ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', '× DynamoDB p50'],
      READ_PATHS.map((path) => {
        const stat = reads.paths[path];
        return [path, String(stat.n), ms(stat.p50), ms(stat.p95), ms(stat.p99), (stat.p50 / dynamo.p50).toFixed(2)];
      }),
    );
    if (reads.breakerOpenings > 0) console.log(`\nWARNING: a cache breaker opened ${reads.breakerOpenings} time(s); those reads went to DynamoDB`);

    const auth = await measureAuthorizer(redisUrl, prefix);
    console.log(`\nauthorizer bundle, valid JWT (local JWKS file, revocation check in Redis), ${auth.iterations} alternating calls each\n`);
    const authRows: [string, LatencySummary][] = [
      ['fresh token (verify + revocation check)', auth.freshToken],
      ['same token (cached verification + revocation check)', auth.sameToken],
    ];
    printTable(
      ['authorizer call', 'p50 ms', 'p95 ms', 'p99 ms'],
      authRows.map(([label, stat]) => [label, ms(stat.p50), ms(stat.p95), ms(stat.p99)]),
    );

    const ratio = (path: 'L1 hit' | 'L2 hit (L1 off)') => reads.paths[path].p50 / dynamo.p50;
    const hitCheck = (path: 'L1 hit' | 'L2 hit (L1 off)'): Check => ({
      name: `${path} / DynamoDB (p50)`,
      measured: `${ratio(path).toFixed(2)}× (${ms(reads.paths[path].p50)} vs ${ms(dynamo.p50)} ms)`,
      target: `≤ ${TARGET_RATIO}×`,
      pass: ratio(path) <= TARGET_RATIO,
    });
    const checks: Check[] = [
      hitCheck('L1 hit'),
      hitCheck('L2 hit (L1 off)'),
      { name: 'authorizer, fresh token (p50 / p95)', measured: `${ms(auth.freshToken.p50)} / ${ms(auth.freshToken.p95)} ms`, target: '-' },
      { name: 'authorizer, same token (p50 / p95)', measured: `${ms(auth.sameToken.p50)} / ${ms(auth.sameToken.p95)} ms`, target: '-' },
    ];
    console.log(`\ncache hit p50 ≤ ${TARGET_RATIO}× DynamoDB p50: L1 ${verdict(checks[0]!.pass)}, L2 ${verdict(checks[1]!.pass)}`);
    return {
      name: 'cache',
      checks,
      data: { redisUrl, targetRatio: TARGET_RATIO, reads, authorizer: auth },
    };
  } finally {
    await removeKeys(redisUrl, prefix);
    await db.stop();
  }
}

/** Everything the run left under its prefix: entries, namespaces, statistics. */
async function removeKeys(redisUrl: string, prefix: string): Promise<void> {
  const backend = new RedisBackend(createRedisClient(redisUrl, { commandTimeout: 5_000 }));
  try {
    for await (const batch of backend.scan(`${prefix}*`)) for (const key of batch) await backend.unlink([key]);
  } finally {
    await backend.close();
  }
}
