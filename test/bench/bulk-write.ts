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

/** The same key, no GSIs: what BatchWriteItem costs DynamoDB Local without index upkeep. */
const BARE: TableDesign = { id: 'bare-students', envVar: 'BARE_STUDENTS_TABLE_NAME', partitionKey: 'pk', indexes: [] };

/**
 * `bulk-write [--rows=N]` (default 100,000): BatchWriteItem × 25 with 8 writers of the same
 * student records (the store's toRecord) into the real table shape and into a bare table,
 * in the same DynamoDB Local run, bare first after a JVM warm-up. Target: real ≥ 0.4× bare.
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
    const bare = await seedItems(db.doc, students, localTableName(BARE, 'bulk_'), studentBatches(0, rows, BATCH), { writers: WRITERS });
    const shaped = await seedItems(db.doc, students, localTableName(real, 'bulk_'), studentBatches(0, rows, BATCH), { writers: WRITERS });
    const ratio = shaped.itemsPerSecond / bare.itemsPerSecond;
    printTable(
      ['table', 'rows', 's', 'items/s', 'retries'],
      [
        [`bare (pk only)`, String(bare.items), (bare.ms / 1000).toFixed(1), Math.round(bare.itemsPerSecond).toString(), String(bare.retries)],
        [`students (${real.indexes.length} sharded lean GSIs)`, String(shaped.items), (shaped.ms / 1000).toFixed(1), Math.round(shaped.itemsPerSecond).toString(), String(shaped.retries)],
      ],
    );
    return {
      name: 'bulk-write',
      checks: [
        { name: `BatchWriteItem ${rows} rows, ${WRITERS} writers: real shape / bare table`, measured: `${ratio.toFixed(2)}× (${Math.round(shaped.itemsPerSecond)} vs ${Math.round(bare.itemsPerSecond)} items/s)`, target: `≥ ${TARGET_RATIO}×`, pass: ratio >= TARGET_RATIO },
      ],
      data: { rows, writers: WRITERS, bare: { ...bare, counters: undefined }, real: { ...shaped, counters: undefined }, ratio },
    };
  } finally {
    await db.stop();
  }
}
