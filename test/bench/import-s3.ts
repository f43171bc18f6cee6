import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Event } from 'aws-lambda';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import { importFunction } from '../../shared/registry.js';
import { BENCH_OUT_DIR, type BenchOutcome, printTable } from './bench-report.js';
import { startBenchDatabase } from './bench-database.js';
import { csvLine } from './import-parse.js';

const TASK_FILE = fileURLToPath(new URL('./import-s3-task.ts', import.meta.url));
const PARSE_TASK_FILE = fileURLToPath(new URL('./import-parse-task.ts', import.meta.url));
const HEADER = '\ufeffStudent ID,First Name,Last Name,Email,Hometown,Math,Literature,English\n';

interface Measured<T> { result: T; ms: number; cpuMs: number; peakRss: number }

/** The generated CSV (~5% dirty rows, as `import-parse`), produced in 10k-row blocks. */
function csvStream(rows: number): Readable {
  return Readable.from((function* () {
    yield HEADER;
    for (let start = 0; start < rows; start += 10_000) {
      let block = '';
      for (let i = start; i < Math.min(rows, start + 10_000); i++) block += csvLine(i);
      yield block;
    }
  })());
}

/**
 * `npm run bench -- import [--rows N]`: a generated N-row students CSV (default 1M) streamed
 * (multipart) into the local S3 imports bucket under imports/students/; the ObjectCreated event
 * it raises is given to the import function's bundle in a fresh process writing into
 * DynamoDB Local. Reports end-to-end rows/s, the importer's peak RSS, and the parse+clean+
 * validate-only rate of the same rows (a sink that writes nothing).
 */
export async function runImportS3Bench(args: string[] = []): Promise<BenchOutcome> {
  const rowsFlag = args.find((arg) => arg.startsWith('--rows='));
  const rows = Number(rowsFlag?.slice('--rows='.length) ?? process.env.IMPORT_BENCH_ROWS ?? 1_000_000);
  const dir = path.join(BENCH_OUT_DIR, 'import-s3');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  bundleFunctions([importFunction]);
  const database = await startBenchDatabase();
  const events: S3Event[] = [];
  const imports = await startLocalImportsBucket({ dataDir: dir, port: 0, deliver: (event) => void events.push(event) });
  const s3 = new S3Client({
    endpoint: imports.s3.endpoint,
    forcePathStyle: true,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const key = `imports/students/bench-${rows}.csv`;
    const uploadStarted = performance.now();
    await new Upload({ client: s3, params: { Bucket: imports.bucket, Key: key, Body: csvStream(rows), ContentType: 'text/csv' }, partSize: 16 * 1024 * 1024, queueSize: 2 }).done();
    const uploadMs = performance.now() - uploadStarted;
    for (let i = 0; i < 200 && events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const event = events[0];
    if (!event) throw new Error('the upload raised no ObjectCreated notification');
    const bytes = event.Records[0]!.s3.object.size;
    console.log(`uploaded ${rows.toLocaleString('en')} rows (${(bytes / 1024 / 1024).toFixed(0)} MB) in ${(uploadMs / 1000).toFixed(1)} s; importing…`);

    const env = { ...process.env, ...database.env, ...imports.env };
    const imported = spawnTask<{ outcomes: string[] }>(TASK_FILE, [JSON.stringify(event)], env);
    const file = path.join(dir, 'parse-only.csv');
    await writeFile(file, rows);
    const parse = spawnTask<{ total_rows: number; created: number; errors: number; skipped: number }>(PARSE_TASK_FILE, ['import', file], env);
    const endToEnd = rows / (imported.ms / 1000);
    const parseRate = rows / (parse.ms / 1000);
    printTable(
      ['run', 'rows', 'wall s', 'rows/s', 'CPU s', 'peak RSS'],
      [
        ['S3 door → DynamoDB Local (import process)', String(rows), secs(imported.ms), int(endToEnd), secs(imported.cpuMs), mb(imported.peakRss)],
        ['parse+clean+validate only', String(parse.result.total_rows), secs(parse.ms), int(parseRate), secs(parse.cpuMs), mb(parse.peakRss)],
      ],
    );
    console.log(`import outcome: ${JSON.stringify(imported.result)}; parse-only: created ${parse.result.created}, skipped ${parse.result.skipped}, errors ${parse.result.errors}`);
    return {
      name: 'import',
      checks: [
        { name: `S3 door import of ${rows} rows: rows/s (end to end)`, measured: int(endToEnd), target: 'reported' },
        { name: 'import process peak RSS', measured: mb(imported.peakRss), target: '<= 256 MB', pass: imported.peakRss <= 256 * 1024 * 1024 },
        { name: 'parse+clean+validate rows/s', measured: int(parseRate), target: '>= 200,000', pass: parseRate >= 200_000 },
      ],
      data: { rows, bytes, uploadSeconds: uploadMs / 1000, importSeconds: imported.ms / 1000, rowsPerSecond: endToEnd, peakRssBytes: imported.peakRss, parseSeconds: parse.ms / 1000, parseRowsPerSecond: parseRate, outcome: imported.result },
    };
  } finally {
    s3.destroy();
    await imports.s3.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeFile(file: string, rows: number): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(csvStream(rows), createWriteStream(file));
}

function spawnTask<T>(file: string, argv: string[], env: NodeJS.ProcessEnv): Measured<T> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', file, ...argv], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`${path.basename(file)} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measured<T>;
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
