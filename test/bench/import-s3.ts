import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Event } from 'aws-lambda';
import { buildSync } from 'esbuild';
import { bundleFunctions, bundleOptions } from '../../infra/build/bundle-functions.js';
import { createTables, dropTables, localTableName } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import type { ImportJob } from '../../shared/import/jobs/import-job.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import type { ImportSummary } from '../../shared/import/import-summary.js';
import { importFunction, tableDesigns } from '../../shared/registry.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { seedItems } from './batch-seeder.js';
import { BENCH_OUT_DIR, type BenchOutcome, type Check, printTable } from './bench-report.js';
import { type BenchDatabase, startBenchDatabase } from './bench-database.js';
import { studentBatches } from './bench-students.js';
import { runChildTask } from './child-task.js';
import { withDeadline } from './with-deadline.js';
import { csvLine } from './import-parse.js';
import { importBenchOptions } from './import-s3-options.js';

const TASK_SOURCE = fileURLToPath(new URL('./import-s3-task.ts', import.meta.url));
const DIR = path.join(BENCH_OUT_DIR, 'import-s3');
/** Built beside the other bench output: two folders under the root, as bundle-functions' ROOT expects. */
const TASK_FILE = path.join(BENCH_OUT_DIR, 'import-s3-task.mjs');
/** The import handler's writers (handle-object-created's default), given to the raw ceiling too. */
const WRITERS = 4;
const WARMUP_ROWS = 20_000;
const PARSE_TASK_FILE = fileURLToPath(new URL('./import-parse-task.ts', import.meta.url));
const HEADER = '\ufeffStudent ID,First Name,Last Name,Email,Hometown,Math,Literature,English\n';
const RSS_LIMIT = 256 * 1024 * 1024;
const TERMINAL = new Set(['completed', 'completed_with_errors', 'failed']);

/** The generated CSV (~5% dirty rows, as `import-parse`), produced in 10k-row blocks. */
function csvStream(rows: number): Readable {
  return Readable.from(
    (function* () {
      yield HEADER;
      for (let start = 0; start < rows; start += 10_000) {
        let block = '';
        for (let i = start; i < Math.min(rows, start + 10_000); i++) block += csvLine(i);
        yield block;
      }
    })(),
  );
}

interface SizeRun {
  rows: number;
  bytes: number;
  uploadSeconds: number;
  /** Upload start → the job's `finished_at`. */
  endToEndSeconds: number;
  /** Notification → the job's `finished_at` (the import alone). */
  importSeconds: number;
  rowsPerSecond: number;
  importRowsPerSecond: number;
  importCpuSeconds: number;
  peakRssBytes: number;
  parseSeconds: number;
  parseRowsPerSecond: number;
  /** Bare BatchWrite of the same students into the same table shape, same writers, same DynamoDB Local. */
  ceilingRowsPerSecond: number;
  job: Pick<ImportJob, 'import_id' | 'status' | 'rows_processed' | 'created' | 'skipped' | 'errors' | 'warnings' | 'rows_per_second'>;
}

interface Services {
  database: BenchDatabase;
  imports: Awaited<ReturnType<typeof startLocalImportsBucket>>;
  events: S3Event[];
  s3: S3Client;
}

/**
 * `npm run bench -- import [--rows=5000,100000] [--timeout=SECONDS]`: for each size, a generated
 * students CSV (~5% dirty rows) streamed (multipart) into the local S3 imports bucket under
 * imports/students/; the ObjectCreated event it raises is handed to the hook `npm start` uses
 * (infra/local/local-import-trigger.ts: the import bundle, async-invocation retries) in a fresh
 * plain-node process writing into fresh tables of one warmed-up DynamoDB Local. Reports rows/s
 * end to end (upload start → the job's finished_at in the jobs table), the importer's peak RSS,
 * the parse+clean+validate rate of the same rows (a sink that writes nothing) and the raw
 * ceiling (bare BatchWrite of the same students, same writers, same table shape, same run).
 * A size that does not finish within the timeout kills its importer and fails the bench with
 * the job's last known state.
 */
export async function runImportS3Bench(args: string[] = []): Promise<BenchOutcome> {
  const options = importBenchOptions(args, process.env);
  bundleFunctions([importFunction]);
  // Plain node, as in Lambda: under the tsx loader the 1.2 MB bundle alone costs ~200 MB RSS.
  buildSync({ ...bundleOptions, entryPoints: [TASK_SOURCE], outfile: TASK_FILE, outExtension: {}, splitting: false });
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const database = await startBenchDatabase();
  const events: S3Event[] = [];
  const imports = await startLocalImportsBucket({ dataDir: DIR, port: 0, deliver: (event) => void events.push(event) });
  const s3 = new S3Client({
    endpoint: imports.s3.endpoint,
    forcePathStyle: true,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const runs: SizeRun[] = [];
  try {
    // A cold JVM writes at half speed: warm it once so every size and its ceiling see the same DynamoDB Local.
    await rawCeiling(database, 0, WARMUP_ROWS, 'warm_');
    await dropTables(database.client, 'warm_');
    for (const rows of options.rows) runs.push(await runSize({ database, imports, events, s3 }, rows, options.timeoutMs(rows)));
  } finally {
    s3.destroy();
    await imports.s3.close();
    await database.stop();
    rmSync(DIR, { recursive: true, force: true });
  }

  printTable(
    [
      'rows',
      'MB',
      'upload s',
      'import s',
      'end-to-end s',
      'rows/s e2e',
      'rows/s import',
      'raw ceiling rows/s',
      'import/ceiling',
      'importer CPU s',
      'importer peak RSS',
      'parse rows/s',
      'job',
    ],
    runs.map((run) => [
      int(run.rows),
      (run.bytes / 1024 / 1024).toFixed(1),
      secs(run.uploadSeconds),
      secs(run.importSeconds),
      secs(run.endToEndSeconds),
      int(run.rowsPerSecond),
      int(run.importRowsPerSecond),
      int(run.ceilingRowsPerSecond),
      ratio(run),
      secs(run.importCpuSeconds),
      mb(run.peakRssBytes),
      int(run.parseRowsPerSecond),
      `${run.job.status}: ${run.job.created} created, ${run.job.skipped} skipped, ${run.job.errors} errors`,
    ]),
  );
  const checks: Check[] = runs.flatMap((run) => [
    { name: `${int(run.rows)} rows: rows/s end to end (upload → job finished)`, measured: int(run.rowsPerSecond), target: 'reported' },
    {
      name: `${int(run.rows)} rows: import rows/s vs raw BatchWrite ceiling (${WRITERS} writers)`,
      measured: `${ratio(run)} (${int(run.importRowsPerSecond)} vs ${int(run.ceilingRowsPerSecond)})`,
      target: '>= 0.8×',
      pass: run.importRowsPerSecond >= 0.8 * run.ceilingRowsPerSecond,
    },
    { name: `${int(run.rows)} rows: importer peak RSS`, measured: mb(run.peakRssBytes), target: '<= 256 MB', pass: run.peakRssBytes <= RSS_LIMIT },
    {
      name: `${int(run.rows)} rows: parse+clean+validate rows/s`,
      measured: int(run.parseRowsPerSecond),
      target: '>= 200,000',
      pass: run.parseRowsPerSecond >= 200_000,
    },
  ]);
  return { name: 'import', checks, data: { writers: WRITERS, runs } };
}

async function runSize({ database, imports, events, s3 }: Services, rows: number, timeoutMs: number): Promise<SizeRun> {
  // Fresh tables per size: the same generated ids would otherwise already exist.
  const prefix = `r${rows}_`;
  const tableEnv = await createTables(database.client, tableDesigns, prefix);
  const jobs = new DynamoDbImportJobStore(database.doc, tableEnv[importJobsTable.envVar]!, () => {
    throw new Error('the bench only reads jobs');
  });
  const key = `imports/students/bench-${rows}.csv`;
  // Half the ceiling before the import and half after, into one table: the shared cores' load drifts.
  const ceilingPrefix = `ceil${rows}_`;
  const half = Math.ceil(rows / 2);
  const ceilingBefore = await rawCeiling(database, 0, half, ceilingPrefix);
  let watcher: NodeJS.Timeout | undefined;
  try {
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    const upload = new Upload({
      client: s3,
      params: { Bucket: imports.bucket, Key: key, Body: csvStream(rows), ContentType: 'text/csv' },
      partSize: 16 * 1024 * 1024,
      queueSize: 2,
    });
    await withDeadline(
      upload.done(),
      deadline,
      () => `uploading ${key}`,
      () => void upload.abort(),
    );
    const uploadSeconds = (Date.now() - startedAt) / 1000;
    await withDeadline(imports.s3.idle(), deadline, () => 'the ObjectCreated notification');
    const event = events.find((candidate) => candidate.Records.some((record) => decodeURIComponent(record.s3.object.key) === key));
    if (!event) throw new Error(`the upload of ${key} raised no ObjectCreated notification: check the import trigger's prefix/suffix filters`);
    const notifiedAt = Date.now();
    const bytes = event.Records[0]!.s3.object.size;
    console.log(
      `${int(rows)} rows (${(bytes / 1024 / 1024).toFixed(1)} MB) uploaded in ${uploadSeconds.toFixed(1)} s; importing (timeout ${(timeoutMs / 1000).toFixed(0)} s from upload start)…`,
    );

    let last: ImportJob | undefined;
    const findJob = async () => (last = (await jobs.list(10)).jobs.find((job) => job.source.key === key) ?? last);
    watcher = setInterval(() => {
      void findJob().then(
        (job) => console.log(`  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${job ? `${job.status}, ${int(job.rows_processed)} rows` : 'no job yet'}`),
        () => undefined,
      );
    }, 10_000);
    const describe = () =>
      last ? `job ${last.import_id} was ${last.status} at ${int(last.rows_processed)} of ${int(rows)} rows` : `no import job for ${key} was ever created`;
    const env = { ...process.env, ...database.env, ...tableEnv, ...imports.env };
    const importer = await runChildTask<null>(TASK_FILE, [JSON.stringify(event)], { env, timeoutMs: Math.max(1, deadline - Date.now()), describe });
    clearInterval(watcher);
    const job = await findJob();
    if (!job) throw new Error(`the importer exited but no import job exists for ${key}`);
    if (!TERMINAL.has(job.status) || !job.finished_at) throw new Error(`the importer exited but ${describe()} (see its log above)`);
    if (job.status === 'failed') throw new Error(`import job ${job.import_id} failed: ${job.message}`);
    if (job.rows_processed !== rows) throw new Error(`import job ${job.import_id} finished with ${job.rows_processed} of ${rows} rows processed`);
    const finishedAt = Date.parse(job.finished_at);

    const file = path.join(DIR, 'parse-only.csv');
    await pipeline(csvStream(rows), createWriteStream(file));
    const parse = await runChildTask<ImportSummary>(PARSE_TASK_FILE, ['import', file], { timeoutMs });
    rmSync(file, { force: true });
    if (parse.result.total_rows !== rows) throw new Error(`parse-only run read ${parse.result.total_rows} of ${rows} rows`);
    const ceilingAfter = await rawCeiling(database, half, rows, ceilingPrefix);
    const ceiling = (ceilingBefore.items + ceilingAfter.items) / ((ceilingBefore.ms + ceilingAfter.ms) / 1000);
    const endToEndSeconds = (finishedAt - startedAt) / 1000;
    const importSeconds = (finishedAt - notifiedAt) / 1000;
    return {
      rows,
      bytes,
      uploadSeconds,
      endToEndSeconds,
      importSeconds,
      rowsPerSecond: rows / endToEndSeconds,
      importRowsPerSecond: rows / importSeconds,
      importCpuSeconds: importer.cpuMs / 1000,
      peakRssBytes: importer.peakRss,
      parseSeconds: parse.ms / 1000,
      parseRowsPerSecond: rows / (parse.ms / 1000),
      ceilingRowsPerSecond: ceiling,
      job: {
        import_id: job.import_id,
        status: job.status,
        rows_processed: job.rows_processed,
        created: job.created,
        skipped: job.skipped,
        errors: job.errors,
        warnings: job.warnings,
        rows_per_second: job.rows_per_second,
      },
    };
  } finally {
    clearInterval(watcher);
    await dropTables(database.client, prefix);
    await dropTables(database.client, ceilingPrefix);
  }
}

/**
 * The raw ceiling: bare 25-item BatchWrites (batch-seeder, the adapter's own records) of bench
 * students `from`…`to - 1` into the `prefix` students table, created when missing.
 */
async function rawCeiling(database: BenchDatabase, from: number, to: number, prefix: string): Promise<{ items: number; ms: number }> {
  const design = tableDesign(students);
  await createTables(database.client, [design], prefix);
  const result = await seedItems(database.doc, students, localTableName(design, prefix), studentBatches(from, to, 25), { writers: WRITERS });
  return { items: result.items, ms: result.ms };
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const secs = (seconds: number) => seconds.toFixed(2);
const ratio = (run: SizeRun) => `${(run.importRowsPerSecond / run.ceilingRowsPerSecond).toFixed(2)}×`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
