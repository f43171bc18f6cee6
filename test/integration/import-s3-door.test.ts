import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { domainEvent } from '../../events/catalog.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import { createUpload } from '../../shared/import/jobs/create-upload.js';
import type { ImportJob } from '../../shared/import/jobs/import-job.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import { entities, importFunction } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { s3Client } from '../support/local-s3.js';
import { storedWithPrefix } from '../support/table-scan.js';

const run = promisify(execFile);
const awsVersion = await run('aws', ['--version']).then(
  (out) => (out.stdout || out.stderr).trim(),
  () => undefined,
);
if (!awsVersion) console.warn('SKIPPED the AWS CLI import: no `aws` binary on PATH (apt-get install awscli).');

let tables: LocalTables;
let imports: LocalImportsBucket;
let s3: S3Client;
let dir: string;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbEntityStore;
let jobs: DynamoDbImportJobStore;
const events: S3Event[] = [];
const deliveries: Promise<void>[] = [];
const logs: string[] = [];

beforeAll(async () => {
  tables = await createLocalTables();
  bundleFunctions([importFunction]);
  dir = mkdtempSync(path.join(tmpdir(), 'import-door-'));
  imports = await startLocalImportsBucket({
    dataDir: dir,
    port: 0,
    deliver: (event) => {
      events.push(event);
      deliveries.push(invokeImportHandler(event, (line) => void logs.push(line)));
    },
  });
  Object.assign(process.env, imports.env);
  s3 = s3Client(imports.s3.endpoint);
  client = createDocumentClient(process.env);
  store = new DynamoDbEntityStore(students, client, process.env.STUDENTS_TABLE_NAME!);
  jobs = new DynamoDbImportJobStore(
    client,
    process.env[importJobsTable.envVar]!,
    () => ({ design: store.design, tableName: process.env.STUDENTS_TABLE_NAME! }),
    process.env.OUTBOX_TABLE_NAME,
  );
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(deliveries);
  s3?.destroy();
  client?.destroy();
  await imports?.s3.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await tables?.drop();
});

async function settled(): Promise<void> {
  for (let i = 0; i < 200 && deliveries.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  while (deliveries.length > 0) await Promise.all(deliveries.splice(0));
}

async function jobsFor(key: string): Promise<ImportJob[]> {
  const all: ImportJob[] = [];
  let after: string | undefined;
  do {
    const page = await jobs.list(50, after);
    all.push(...page.jobs);
    after = page.next;
  } while (after);
  return all.filter((job) => job.source.key === key);
}

/** The import.completed events of a job in the outbox table (what the publisher puts on the bus). */
async function completedEvents(importId: string) {
  const out = await client.send(new ScanCommand({ TableName: process.env.OUTBOX_TABLE_NAME!, ConsistentRead: true }));
  return (out.Items ?? [])
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter((event) => event.type === 'import.completed' && event.data.import_id === importId);
}

const idsWithPrefix = async (prefix: string): Promise<string[]> =>
  [...(await storedWithPrefix(client, process.env.STUDENTS_TABLE_NAME!, prefix)).keys()].sort();

function csv(prefix: string, rows: number): string {
  const lines = ['Student ID;First Name;Last Name;Hometown;Math Score'];
  for (let i = 0; i < rows; i++) lines.push(i === 3 ? `${prefix}${i};Bad;;Hue;5` : `${prefix}${i};Trần Thị;Ngọc ${i};Huế;${(i % 10) + 0.5}`);
  return `\uFEFF${lines.join('\r\n')}`;
}

describe('S3 door: a file dropped in the local imports bucket becomes rows', () => {
  it('imports a CSV uploaded with the SDK (key with a space), writes the report, and a duplicate notification runs no second job', async () => {
    const total0 = await store.count({});
    const key = 'imports/students/roster one.csv';
    await s3.send(new PutObjectCommand({ Bucket: imports.bucket, Key: key, Body: csv('SA', 120) }));
    await settled();
    const [job, ...others] = await jobsFor(key);
    expect(others).toHaveLength(0);
    expect(job).toMatchObject({ status: 'completed_with_errors', entity: 'students', mode: 'create', created: 119, errors: 1, rows_processed: 120 });
    expect(job!.error_details[0]).toMatchObject({ row: 5, student_id: 'SA3', field: 'last_name' });
    expect(await idsWithPrefix('SA')).toHaveLength(119);
    expect(await store.count({})).toBe(total0 + 119);
    expect((await store.get('SA7'))!.first_name).toBe('Trần Thị');
    const summary = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: imports.bucket, Key: `reports/${job!.import_id}/summary.json` }))).Body!.transformToString(),
    );
    expect(summary).toMatchObject({ import_id: job!.import_id, status: 'completed_with_errors', created: 119 });
    const errorsCsv = await (
      await s3.send(new GetObjectCommand({ Bucket: imports.bucket, Key: `reports/${job!.import_id}/errors.csv` }))
    ).Body!.transformToString();
    expect(errorsCsv.split('\r\n')[1]).toMatch(/^error,5,SA3,last_name,/);
    expect(job!.report_url).toBe(`s3://${imports.bucket}/reports/${job!.import_id}/`);

    // S3 delivers at least once: the same record again is recognised and does nothing.
    const event = events.find((candidate) => candidate.Records[0]!.s3.object.key.includes('roster+one.csv'))!;
    expect(event).toBeDefined();
    await invokeImportHandler(event, (line) => void logs.push(line));
    expect(await jobsFor(key)).toHaveLength(1);
    expect(await store.count({})).toBe(total0 + 119);
    expect(logs.at(-1)).toContain('skipped');
    // One import.completed, correlated with the PUT that dropped the file.
    const completed = await completedEvents(job!.import_id);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      correlation_id: event.Records[0]!.responseElements['x-amz-request-id'],
      data: { status: 'completed_with_errors', totals: { created: 119, errors: 1 }, report_key: `reports/${job!.import_id}/errors.csv` },
    });
  });

  it('fails a file under an unknown entity folder with "unknown entity"', async () => {
    const key = 'imports/teachers/staff.csv';
    await s3.send(new PutObjectCommand({ Bucket: imports.bucket, Key: key, Body: 'a,b\n1,2\n' }));
    await settled();
    const [job] = await jobsFor(key);
    expect(job).toMatchObject({ status: 'failed' });
    expect(job!.message).toMatch(/^unknown entity 'teachers'/);
    expect((await completedEvents(job!.import_id)).map((event) => event.data)).toEqual([
      expect.objectContaining({ status: 'failed', entity: 'teachers', message: job!.message }),
    ]);
  });

  it('takes a presigned PUT (fetch) through the same door into the job the upload ticket named', async () => {
    const ticket = await createUpload(
      { jobs, s3: async () => s3, bucket: imports.bucket, entities },
      { entity: 'students', filename: 'class 7A.csv', mode: 'upsert' },
    );
    expect(ticket.method).toBe('PUT');
    expect((await jobs.get(ticket.import_id))!.status).toBe('queued');
    const put = await fetch(ticket.upload_url, { method: 'PUT', body: csv('PU', 30) });
    expect(put.status).toBe(200);
    await settled();
    const job = (await jobs.get(ticket.import_id))!;
    expect(job).toMatchObject({ status: 'completed_with_errors', mode: 'upsert', created: 29, errors: 1 });
    expect(job.source.door).toBe('upload');
    expect(job.source.etag).toBeDefined();
    expect(await idsWithPrefix('PU')).toHaveLength(29);
  });

  it.skipIf(!awsVersion && process.env.CI !== 'true')(
    'imports a file copied with the AWS CLI, in the mode its metadata names',
    async () => {
      const file = path.join(dir, 'cli roster.csv');
      writeFileSync(file, csv('CL', 12));
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: path.join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
        AWS_PAGER: '',
      };
      const key = 'imports/students/cli roster.csv';
      await run(
        'aws',
        ['--endpoint-url', imports.s3.endpoint, 's3', 'cp', file, `s3://${imports.bucket}/${key}`, '--metadata', 'import-mode=upsert', '--no-progress'],
        { env },
      );
      await settled();
      const [job] = await jobsFor(key);
      expect(job).toMatchObject({ status: 'completed_with_errors', mode: 'upsert', created: 11, errors: 1 });
    },
    120_000,
  );
});
