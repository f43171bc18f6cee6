import { randomBytes } from 'node:crypto';
import type { L2Backend } from '../../shared/cache/l2-backend.js';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { CountingBackend } from '../support/counting-backend.js';
import { createRedisClient, probeRedis } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import type { EntityStore } from '../../shared/store/entity-store.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { type LatencySummary, ms, summarize } from './percentiles.js';

const HOT_IDS = 1_000;
/** Students the background writer updates: never one of the hot set. */
const OTHER_IDS = 200;
const WRITES_PER_SECOND = 20;
const SECONDS = Number(process.env.BENCH_CACHE_WRITES_SECONDS ?? 15);
/** Every this many hot reads, one GET straight from DynamoDB Local (the baseline, same run). */
const BASELINE_EVERY = 25;
const TARGET_HIT_RATE = 0.9;
const TARGET_L1_RATIO = 0.05;

type ReadClass = 'L1 hit, no round trip' | 'L1 hit, checked in Redis' | 'L2 hit' | 'miss (DynamoDB)';
const CLASSES: ReadClass[] = ['L1 hit, no round trip', 'L1 hit, checked in Redis', 'L2 hit', 'miss (DynamoDB)'];

/**
 * `cache-writes`: the cache under steady writes. A reader container (its own TwoLevelCache,
 * L1 and Redis connection, the students declaration's `l1StaleMs`) reads a hot set of 1,000
 * ids at full speed while a writer container updates OTHER students at 20 writes/s, for
 * `BENCH_CACHE_WRITES_SECONDS` (default 15). Reports the item hit rate (reads not loaded from
 * DynamoDB), how each read was answered, and the L1 hit p50 against a DynamoDB Local GET
 * interleaved into the same run. Redis at `BENCH_REDIS_URL` / `REDIS_URL` (default
 * 127.0.0.1:6379), keys under a prefix of this run, removed at the end.
 */
export async function runCacheWritesBench(): Promise<BenchOutcome> {
  const redisUrl = process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const probe = await probeRedis(redisUrl);
  if (!probe.ok) {
    console.log(`no Redis at ${redisUrl} (${probe.reason}): nothing measured`);
    return {
      name: 'cache-writes',
      checks: [{ name: 'item hit rate under writes', measured: `not measured: no Redis (${probe.reason})`, target: `≥ ${TARGET_HIT_RATE * 100}%` }],
      data: { redisUrl, skipped: probe.reason },
    };
  }
  const prefix = `bench:cache-writes:${randomBytes(4).toString('hex')}:`;
  const db = await startBenchDatabase();
  const caches: TwoLevelCache[] = [];
  let breakerOpenings = 0;
  const codec = new CursorCodec(randomBytes(32).toString('base64url'));
  const dynamo = new DynamoDbEntityStore(students, db.doc, db.env[tableDesign(students).envVar]!);
  const container = (backend: L2Backend, store: EntityStore = dynamo): EntityService => {
    const cache = new TwoLevelCache(backend, {
      prefix,
      logger: {
        warn: (_message: unknown, ...extra: unknown[]) => {
          breakerOpenings++;
          console.log(`cache breaker opened: ${String((extra[0] as { error?: Error } | undefined)?.error?.message)}`);
        },
      },
      metrics: { addMetric: () => undefined },
    });
    caches.push(cache);
    return createEntityService(students, { store, cursors: async () => codec, cache });
  };
  try {
    console.log(`DynamoDB Local in memory at ${db.endpoint}, Redis at ${redisUrl}\n`);
    const uncached = createEntityService(students, { store: dynamo, cursors: async () => codec });
    const hot = ids('H', HOT_IDS);
    const others = ids('W', OTHER_IDS);
    await seed(uncached, [...hot, ...others]);

    const loads = { count: 0 };
    const counted: EntityStore = { ...bind(dynamo), get: (id: string) => (loads.count++, dynamo.get(id)) };
    // A patient command timeout: on a shared, loaded machine one 50 ms stall would open the
    // breaker and send 15 s of reads to DynamoDB, measuring the machine rather than the cache.
    const redisClient = () => createRedisClient(redisUrl, { commandTimeout: 1_000 });
    const readerBackend = new CountingBackend(new RedisBackend(redisClient()));
    const reader = container(readerBackend, counted);
    const writer = container(new RedisBackend(redisClient()));
    for (const id of hot) await reader.get(id); // fills L1 and L2 once, as a warm container has
    for (let n = 0; n < 2_000; n++) await uncached.get(hot[n % HOT_IDS]!); // warms DynamoDB Local's JVM

    const stopAt = performance.now() + SECONDS * 1_000;
    const writing = writeSteadily(writer, others, stopAt);
    const times = Object.fromEntries(CLASSES.map((name) => [name, [] as number[]])) as Record<ReadClass, number[]>;
    const baseline: number[] = [];
    let reads = 0;
    while (performance.now() < stopAt) {
      const id = hot[Math.floor(Math.random() * HOT_IDS)]!;
      if (reads % BASELINE_EVERY === 0) {
        const started = performance.now();
        await uncached.get(id);
        baseline.push(performance.now() - started);
      }
      const [trips, loaded] = [readerBackend.roundTrips, loads.count];
      const started = performance.now();
      await reader.get(id);
      const took = performance.now() - started;
      times[classify(readerBackend.roundTrips - trips, loads.count - loaded)].push(took);
      reads++;
    }
    const writes = await writing;

    const paths = Object.fromEntries(CLASSES.map((name) => [name, summarize(times[name])])) as Record<ReadClass, LatencySummary>;
    const dynamoGet = summarize(baseline);
    const hitRate = 1 - times['miss (DynamoDB)'].length / reads;
    const l1 = paths['L1 hit, no round trip'];
    const ratio = l1.p50 / dynamoGet.p50;
    console.log(
      `${reads} reads of ${HOT_IDS} hot ids in ${SECONDS} s while ${writes.done} updates of ${OTHER_IDS} other students ran (${(writes.done / SECONDS).toFixed(1)}/s, ${writes.failed} failed)\n`,
    );
    printTable(
      ['answered by', 'reads', 'share', 'p50 ms', 'p95 ms', 'p99 ms'],
      [
        ...CLASSES.map((name) => [
          name,
          String(paths[name].n),
          `${((paths[name].n / reads) * 100).toFixed(2)}%`,
          ms(paths[name].p50),
          ms(paths[name].p95),
          ms(paths[name].p99),
        ]),
        ['DynamoDB Local GET (baseline)', String(dynamoGet.n), '-', ms(dynamoGet.p50), ms(dynamoGet.p95), ms(dynamoGet.p99)],
      ],
    );
    if (breakerOpenings > 0) console.log(`\nWARNING: a cache breaker opened ${breakerOpenings} time(s); those reads went to DynamoDB`);
    const checks: Check[] = [
      {
        name: 'item hit rate under 20 writes/s to other items',
        measured: `${(hitRate * 100).toFixed(2)}%`,
        target: `≥ ${TARGET_HIT_RATE * 100}%`,
        pass: hitRate >= TARGET_HIT_RATE,
      },
      {
        name: 'L1 hit / DynamoDB GET (p50)',
        measured: `${ratio.toFixed(3)}× (${ms(l1.p50)} vs ${ms(dynamoGet.p50)} ms)`,
        target: `≤ ${TARGET_L1_RATIO}×`,
        pass: ratio <= TARGET_L1_RATIO,
      },
    ];
    console.log(`\nhit rate ${verdict(checks[0]!.pass)}, L1 hit p50 ${verdict(checks[1]!.pass)}`);
    return {
      name: 'cache-writes',
      checks,
      data: { redisUrl, seconds: SECONDS, hotIds: HOT_IDS, reads, writes, hitRate, paths, dynamoGet, l1StaleMs: students.cache?.l1StaleMs, breakerOpenings },
    };
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
    await removeKeys(redisUrl, prefix);
    await db.stop();
  }
}

function ids(letter: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${letter}${String(n).padStart(5, '0')}`);
}

async function seed(service: EntityService, all: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < all.length) {
        const n = next++;
        await service.create({
          student_id: all[n]!,
          first_name: `Hot${n}`,
          last_name: 'Bench',
          hometown: 'Hanoi',
          math_score: n % 10,
          literature_score: 7,
          english_score: 8.5,
        });
      }
    }),
  );
}

/** Updates the given students round-robin at WRITES_PER_SECOND until `stopAt`, on a fixed schedule. */
async function writeSteadily(writer: EntityService, targets: string[], stopAt: number): Promise<{ done: number; failed: number }> {
  const started = performance.now();
  let done = 0;
  let failed = 0;
  for (let n = 0; ; n++) {
    const due = started + (n * 1_000) / WRITES_PER_SECOND;
    if (due >= stopAt) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await writer.update(targets[n % targets.length]!, { math_score: n % 10 });
      done++;
    } catch {
      failed++;
    }
  }
  return { done, failed };
}

/** How a read was answered, from the round trips and store loads it caused (one reader, in sequence). */
function classify(roundTrips: number, loads: number): ReadClass {
  if (loads > 0) return 'miss (DynamoDB)';
  if (roundTrips === 0) return 'L1 hit, no round trip';
  return roundTrips === 1 ? 'L1 hit, checked in Redis' : 'L2 hit';
}

/** The store's methods bound to it, so a spread copy can override one of them. */
function bind(store: DynamoDbEntityStore): EntityStore {
  return {
    get: (id) => store.get(id),
    create: (item) => store.create(item),
    replace: (next, previous) => store.replace(next, previous),
    remove: (previous) => store.remove(previous),
    list: (query) => store.list(query),
    count: (query) => store.count(query),
    ping: () => store.ping(),
  };
}

/** Everything the run left under its prefix: entries, versions, tokens, statistics. */
async function removeKeys(redisUrl: string, prefix: string): Promise<void> {
  const backend = new RedisBackend(createRedisClient(redisUrl, { commandTimeout: 5_000 }));
  try {
    for await (const batch of backend.scan(`${prefix}*`)) await backend.unlink(batch);
  } finally {
    await backend.close();
  }
}
