import { randomBytes } from 'node:crypto';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService } from '../../shared/entity/entity-service.js';
import { AppError } from '../../shared/errors/app-error.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, printTable } from './bench-report.js';
import { HOMETOWNS } from './bench-students.js';

const WRITERS = 16;

/**
 * `concurrent-create [--creates=N]` (default 4,000): 16 concurrent creators through the
 * entity service and the DynamoDB store (transaction: item + one total and one hometown
 * counter shard). Counts errors, 503s (TransactionConflict retries exhausted) and throughput,
 * then checks the summed counter equals the creates.
 */
export async function runConcurrentCreateBench(flags: readonly string[]): Promise<BenchOutcome> {
  const creates = Number(flags.find((flag) => flag.startsWith('--creates='))?.slice('--creates='.length) ?? 4_000);
  const db = await startBenchDatabase();
  try {
    const store = new DynamoDbEntityStore(students, db.doc, db.env[tableDesign(students).envVar]!);
    const codec = new CursorCodec(randomBytes(32).toString('base64url'));
    const service = createEntityService(students, { store, cursors: async () => codec });
    const create = (n: number) =>
      service.create({ student_id: `CC${String(n).padStart(7, '0')}`, first_name: 'Con', last_name: 'Current', hometown: HOMETOWNS[n % 3]! });
    for (let n = 0; n < 500; n++) await create(1_000_000 + n); // JVM warm-up
    const errors = new Map<string, number>();
    let next = 0;
    let ok = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < creates) {
          const n = next++;
          try {
            await create(n);
            ok++;
          } catch (error) {
            const key = error instanceof AppError ? `${error.kind}` : (error as Error).name;
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const counted = await store.count({});
    const unavailable = errors.get('dependencyUnavailable') ?? 0;
    const errorCount = [...errors.values()].reduce((sum, count) => sum + count, 0);
    printTable(
      ['writers', 'creates', 'ok', 'errors', '503', 's', 'creates/s', 'counter'],
      [[String(WRITERS), String(creates), String(ok), String(errorCount), String(unavailable), seconds.toFixed(1), (ok / seconds).toFixed(0), String(counted)]],
    );
    return {
      name: 'concurrent-create',
      checks: [
        {
          name: `${WRITERS} concurrent creators: errors`,
          measured: `${errorCount} (${JSON.stringify(Object.fromEntries(errors))})`,
          target: '0',
          pass: errorCount === 0,
        },
        { name: 'TransactionConflict-driven 503s', measured: String(unavailable), target: '0', pass: unavailable === 0 },
        { name: 'throughput', measured: `${(ok / seconds).toFixed(0)} creates/s`, target: 'none (info)' },
        { name: 'summed counter = items created', measured: `${counted} vs ${ok + 500}`, target: 'equal', pass: counted === ok + 500 },
      ],
      data: { writers: WRITERS, creates, ok, errors: Object.fromEntries(errors), seconds, counted },
    };
  } finally {
    await db.stop();
  }
}
