import { tableDesign } from '../../shared/entity/table-design.js';
/**
 * GET by id through the entity service: cache-hit paths (L1 hit; L2 hit with L1 off) vs the
 * DynamoDB path, in the same run, interleaved so machine noise hits all three alike.
 *
 *   npx tsx test/bench/cache-bench.ts [--items 200] [--rounds 3000] [--redis redis://127.0.0.1:6379]
 *
 * Needs Java (DynamoDB Local, started here in memory) and a Redis; keys go under a prefix of
 * this run and are removed at the end. Target: cache hit ≤ 0.3× the DynamoDB path at p50.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { createTables } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV, startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { students } from '../../shared/students/students.entity.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3000' },
    redis: { type: 'string', default: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
  },
});
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);

Object.assign(process.env, LOCAL_AWS_ENV, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
const dynamodb = await startDynamoDbLocal({ workDir: path.join(ROOT, '.local', 'bench') });
const prefix = `bench:cache:${randomBytes(4).toString('hex')}:`;
const caches: TwoLevelCache[] = [];
const openings = { count: 0 };

try {
  const admin = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableEnv = await createTables(admin, [tableDesign(students)], 'bench_');
  admin.destroy();
  const store = new DynamoDbEntityStore(students, createDocumentClient({ ...process.env, DYNAMODB_ENDPOINT: dynamodb.endpoint }), tableEnv.STUDENTS_TABLE_NAME!);
  const codec = new CursorCodec(randomBytes(32).toString('base64url'));
  const cached = (l1MaxEntries: number): EntityService => {
    const cache = new TwoLevelCache(new RedisBackend(createRedisClient(values.redis)), {
      prefix,
      l1MaxEntries,
      settleMs: 0,
      logger: { warn: () => openings.count++ },
      metrics: { addMetric: () => undefined },
    });
    caches.push(cache);
    return createEntityService(students, { store, cursors: async () => codec, cache });
  };
  const paths: Record<string, EntityService> = {
    dynamodb: createEntityService(students, { store, cursors: async () => codec }),
    'L1 hit': cached(1_000),
    'L2 hit (L1 off)': cached(0),
  };

  const ids = Array.from({ length: ITEMS }, (_, n) => `B${String(n).padStart(5, '0')}`);
  for (const [n, id] of ids.entries()) {
    await paths.dynamodb!.create({ student_id: id, first_name: `Bench${n}`, last_name: 'Mark', hometown: 'Hanoi', math_score: n % 10, literature_score: 7, english_score: 8.5 });
  }
  // Warm the JVM, the connections and the caches (every id cached before timing).
  for (let n = 0; n < 2_000; n++) await paths.dynamodb!.get(ids[n % ITEMS]!);
  for (const service of Object.values(paths)) for (const id of ids) await service.get(id);

  const names = Object.keys(paths);
  const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const id = ids[round % ITEMS]!;
    // Rotate the order so no path always runs first (or right after a GC).
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const started = performance.now();
      await paths[name]!.get(id);
      times[name]!.push(performance.now() - started);
    }
  }

  const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
  const base = { p50: pct(times.dynamodb!, 50), p95: pct(times.dynamodb!, 95) };
  console.log(`GET by id through the entity service: ${ITEMS} students, ${ROUNDS} interleaved rounds, Node ${process.version}`);
  console.log('path               p50 ms   p95 ms   p99 ms   ×DynamoDB p50   ×DynamoDB p95');
  for (const name of names) {
    const list = times[name]!;
    const [p50, p95, p99] = [pct(list, 50), pct(list, 95), pct(list, 99)];
    console.log(
      `${name.padEnd(17)} ${p50.toFixed(3).padStart(7)}  ${p95.toFixed(3).padStart(7)}  ${p99.toFixed(3).padStart(7)}   ${(p50 / base.p50).toFixed(3).padStart(13)}   ${(p95 / base.p95).toFixed(3).padStart(13)}`,
    );
  }
  const l1 = pct(times['L1 hit']!, 50) / base.p50;
  const l2 = pct(times['L2 hit (L1 off)']!, 50) / base.p50;
  console.log(`target ≤ 0.3× at p50: L1 hit ${l1.toFixed(3)}× ${l1 <= 0.3 ? 'met' : 'NOT met'}, L2 hit ${l2.toFixed(3)}× ${l2 <= 0.3 ? 'met' : 'NOT met'}`);
  await Promise.all(caches.map((cache) => cache.flushStats()));
  const stats = await caches[0]!.stats();
  console.log(`cache stats (both cached paths): l1 ${JSON.stringify(stats.l1)}; l2 ${JSON.stringify({ ...stats.l2, evictions: undefined })}`);
  if (openings.count > 0) console.log(`WARNING: the cache breaker opened ${openings.count} time(s) during the run; those reads went to DynamoDB`);
} finally {
  // Closing flushes statistics, so close first and remove everything under the prefix after.
  await Promise.all(caches.map((cache) => cache.close()));
  const cleanup = new RedisBackend(createRedisClient(values.redis, { commandTimeout: 5_000 }));
  const leftovers: string[] = [];
  for await (const batch of cleanup.scan(`${prefix}*`)) leftovers.push(...batch);
  await cleanup.unlink(leftovers).catch(() => undefined);
  await cleanup.close();
  await dynamodb.stop();
}
