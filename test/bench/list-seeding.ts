import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, dropTables, localTableName } from '../../infra/local/create-tables.js';
import { counterKey, PK, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { seedItems, writeCounters } from './batch-seeder.js';
import type { BenchDatabase } from './bench-database.js';
import { studentBatches } from './bench-students.js';

const BATCH = 25;
const WRITERS = 8;
/** A fresh DynamoDB Local JVM writes slowly until JIT has warmed up (LOCAL-SERVICES.md). */
const JVM_WARMUP_ITEMS = 20_000;
const WARMUP_PREFIX = 'benchwarmup_';

export interface SeedingReport {
  /** `reused`: a kept database already held every student (counter checked). */
  mode: 'seeded' | 'reused';
  items: number;
  writers: number;
  batchSize: number;
  jvmWarmup?: { items: number; ms: number; itemsPerSecond: number };
  ms?: number;
  itemsPerSecond?: number;
  retries?: number;
  counters?: Record<string, number>;
}

/**
 * Makes the students table hold exactly `total` bench students and consistent counters:
 * reuses a kept database whose `#count` says so, otherwise warms the JVM on a scratch table
 * and seeds with concurrent BatchWrites. Counters go last, so a half-seeded database is
 * never mistaken for a complete one (re-seeding overwrites the same ids).
 */
export async function ensureBenchStudents(
  db: BenchDatabase,
  total: number,
  log: (line: string) => void,
  options: { jvmWarmup?: boolean } = {},
): Promise<SeedingReport> {
  const tableName = db.env[tableDesign(students).envVar]!;
  const counter = await db.doc.send(new GetCommand({ TableName: tableName, Key: { [PK]: counterKey(0) } }));
  if (Number(counter.Item?.n) === total) {
    log(`reusing ${total} students already in the kept database (counter ${counterKey(0)} = ${total})`);
    return { mode: 'reused', items: total, writers: WRITERS, batchSize: BATCH };
  }

  let warmup = { items: 0, ms: 0, itemsPerSecond: 0 };
  // Skippable where only the seeded data matters (the warm-up costs a fifth of the writes).
  if (options.jvmWarmup ?? true) {
    log(`warming the DynamoDB Local JVM with ${JVM_WARMUP_ITEMS} writes to a scratch table…`);
    await createTables(db.client, [tableDesign(students)], WARMUP_PREFIX);
    warmup = await seedItems(db.doc, students, localTableName(tableDesign(students), WARMUP_PREFIX), studentBatches(0, JVM_WARMUP_ITEMS, BATCH), {
      writers: WRITERS,
    });
    await dropTables(db.client, WARMUP_PREFIX);
    log(`  warm-up: ${Math.round(warmup.itemsPerSecond)} items/s`);
  }

  log(`seeding ${total} students: BatchWrite × ${BATCH}, ${WRITERS} concurrent writers…`);
  const seeded = await seedItems(db.doc, students, tableName, studentBatches(0, total, BATCH), {
    writers: WRITERS,
    reportEvery: 20_000,
    onProgress: (written) => log(`  ${written} written`),
  });
  await writeCounters(db.doc, tableName, seeded.counters);
  log(
    `  seeded ${seeded.items} in ${(seeded.ms / 1000).toFixed(1)} s = ${Math.round(seeded.itemsPerSecond)} items/s (${seeded.retries} retries); ${seeded.counters.size} counters`,
  );
  return {
    mode: 'seeded',
    items: seeded.items,
    writers: WRITERS,
    batchSize: BATCH,
    jvmWarmup: { items: warmup.items, ms: warmup.ms, itemsPerSecond: warmup.itemsPerSecond },
    ms: seeded.ms,
    itemsPerSecond: seeded.itemsPerSecond,
    retries: seeded.retries,
    counters: Object.fromEntries(seeded.counters),
  };
}
