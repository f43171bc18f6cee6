import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { type LatencySummary, summarize } from './percentiles.js';

const ITEMS = 200;
const ROUNDS = 3_000;
/** Reads before timing: the JVM, the connections and every id in every cache. */
const WARMUP_READS = 2_000;

/** The three ways a GET by id can be answered, in the order they are reported. */
export const READ_PATHS = ['DynamoDB (no cache)', 'L1 hit', 'L2 hit (L1 off)'] as const;
export type ReadPath = (typeof READ_PATHS)[number];

export interface CachedReads {
  items: number;
  rounds: number;
  paths: Record<ReadPath, LatencySummary>;
  /** Times a cache's circuit breaker opened during the run (its reads went to DynamoDB). */
  breakerOpenings: number;
}

/**
 * GET by id through the students service: the DynamoDB path, an L1 hit and an L2 hit (a
 * service whose cache has no L1), interleaved with the order rotated every round so that
 * machine noise hits all three alike. Each id comes round again only every ITEMS rounds,
 * normally more than the declaration's `l1StaleMs` later, so the L1 hits here are the kind
 * that first checks Redis (one MGET) and cost about what an L2 hit does; L1 hits within
 * `l1StaleMs`, which make no round trip, are measured by the `cache-writes` bench.
 */
export async function measureCachedReads(doc: DynamoDBDocumentClient, tableName: string, redisUrl: string, prefix: string): Promise<CachedReads> {
  const store = new DynamoDbEntityStore(students, doc, tableName);
  const codec = new CursorCodec(randomBytes(32).toString('base64url'));
  const caches: TwoLevelCache[] = [];
  let breakerOpenings = 0;
  const cached = (l1MaxEntries: number): EntityService => {
    const cache = new TwoLevelCache(new RedisBackend(createRedisClient(redisUrl)), {
      prefix,
      l1MaxEntries,
      settleMs: 0,
      logger: { warn: () => breakerOpenings++ },
      metrics: { addMetric: () => undefined },
    });
    caches.push(cache);
    return createEntityService(students, { store, cursors: async () => codec, cache });
  };
  const services: Record<ReadPath, EntityService> = {
    'DynamoDB (no cache)': createEntityService(students, { store, cursors: async () => codec }),
    'L1 hit': cached(1_000),
    'L2 hit (L1 off)': cached(0),
  };
  try {
    const ids = Array.from({ length: ITEMS }, (_, n) => `C${String(n).padStart(5, '0')}`);
    const uncached = services['DynamoDB (no cache)'];
    for (const [n, id] of ids.entries()) {
      await uncached.create({
        student_id: id,
        first_name: `Cache${n}`,
        last_name: 'Bench',
        hometown: 'Hanoi',
        math_score: n % 10,
        literature_score: 7,
        english_score: 8.5,
      });
    }
    for (let n = 0; n < WARMUP_READS; n++) await uncached.get(ids[n % ITEMS]!);
    for (const service of Object.values(services)) for (const id of ids) await service.get(id);

    const times = Object.fromEntries(READ_PATHS.map((path) => [path, [] as number[]])) as Record<ReadPath, number[]>;
    for (let round = 0; round < ROUNDS; round++) {
      const id = ids[round % ITEMS]!;
      for (let k = 0; k < READ_PATHS.length; k++) {
        const path = READ_PATHS[(round + k) % READ_PATHS.length]!;
        const started = performance.now();
        await services[path].get(id);
        times[path].push(performance.now() - started);
      }
    }
    const paths = Object.fromEntries(READ_PATHS.map((path) => [path, summarize(times[path])])) as Record<ReadPath, LatencySummary>;
    return { items: ITEMS, rounds: ROUNDS, paths, breakerOpenings };
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
  }
}
