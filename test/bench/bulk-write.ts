import { createTables, dropTables, localTableName } from '../../infra/local/create-tables.js';
import { type TableDesign, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { seedItems } from './batch-seeder.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, printTable } from './bench-report.js';
import { studentBatches } from './bench-students.js';

const WRITERS = 8;
const BATCH = 25;
const WARMUP = 20_000;
const TARGET_RATIO = 0.4;
const ROUNDS = 4;

/** The same key, no GSIs: what BatchWriteItem costs DynamoDB Local without index upkeep. */
const BARE: TableDesign = { id: 'bare-students', envVar: 'BARE_STUDENTS_TABLE_NAME', partitionKey: 'pk', indexes: [] };

/**
 * `bulk-write [--rows=N]` (default 100,000): BatchWriteItem × 25 with 8 writers of the same
 * student records (the store's toRecord) into the real table shape and into a bare table,
 * in the same DynamoDB Local run after a JVM warm-up, in alternating rounds. Target: real ≥ 0.4× bare.
 */
export async function runBulkWriteBench(flags: readonly string[]): Promise<BenchOutcome> {
  const rows = Number(flags.find((flag) => flag.startsWith('--rows='))?.slice('--rows='.length) ?? 100_000);
  const db = await startBenchDatabase();
  try {
    const real = tableDesign(students);
    await createTables(db.client, [real], 'warm_');
    await seedItems(db.doc, students, localTableName(real, 'warm_'), studentBatches(0, WARMUP, BATCH), { writers: WRITERS });
    await dropTables(db.client, 'warm_');
    await createTables(db.client, [BARE], 'bulk_');
    await createTables(db.client, [real], 'bulk_');
    // Alternating rounds: on shared cores the machine's load drifts, and both tables should see the same drift.
    const totals = { bare: { items: 0, ms: 0, retries: 0 }, real: { items: 0, ms: 0, retries: 0 } };
    const round = Math.ceil(rows / ROUNDS);
    for (let from = 0; from < rows; from += round) {
      const to = Math.min(rows, from + round);
      for (const [key, design] of [
        ['bare', BARE],
        ['real', real],
      ] as const) {
        const result = await seedItems(db.doc, students, localTableName(design, 'bulk_'), studentBatches(from, to, BATCH), { writers: WRITERS });
        totals[key].items += result.items;
        totals[key].ms += result.ms;
        totals[key].retries += result.retries;
      }
    }
    const rate = (total: { items: number; ms: number; retries: number }) => ({ ...total, itemsPerSecond: total.items / (total.ms / 1000) });
    const bare = rate(totals.bare);
    const shaped = rate(totals.real);
    const ratio = shaped.itemsPerSecond / bare.itemsPerSecond;
    printTable(
      ['table', 'rows', 's', 'items/s', 'retries'],
      [
        [`bare (pk only)`, String(bare.items), (bare.ms / 1000).toFixed(1), Math.round(bare.itemsPerSecond).toString(), String(bare.retries)],
        [
          `students (${real.indexes.length} sharded lean GSIs)`,
          String(shaped.items),
          (shaped.ms / 1000).toFixed(1),
          Math.round(shaped.itemsPerSecond).toString(),
          String(shaped.retries),
        ],
      ],
    );
    return {
      name: 'bulk-write',
      checks: [
        {
          name: `BatchWriteItem ${rows} rows, ${WRITERS} writers: real shape / bare table`,
          measured: `${ratio.toFixed(2)}× (${Math.round(shaped.itemsPerSecond)} vs ${Math.round(bare.itemsPerSecond)} items/s)`,
          target: `≥ ${TARGET_RATIO}×`,
          pass: ratio >= TARGET_RATIO,
        },
      ],
      data: { rows, writers: WRITERS, rounds: ROUNDS, bare, real: shaped, ratio },
    };
  } finally {
    await db.stop();
  }
}
