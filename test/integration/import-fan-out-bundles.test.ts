import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { type LocalEventSources, startLocalEventSources } from '../../infra/local/local-event-sources.js';
import { sqsRecord } from '../../infra/local/event-sources/sqs-event.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import { queueDeclaration } from '../../shared/events/queues.js';
import { IMPORT_CHUNKS_QUEUE } from '../../shared/import/jobs/fan-out.js';
import type { ImportJob } from '../../shared/import/jobs/import-job.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import { importFunction, importWorker } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { students } from '../../shared/students/students.entity.js';
import { waitFor } from '../support/event-source-test-function.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { s3Client } from '../support/local-s3.js';

let tables: LocalTables;
let sources: LocalEventSources;
let imports: LocalImportsBucket;
let s3: S3Client;
let dir: string;
let client: ReturnType<typeof createDocumentClient>;
const deliveries: Promise<void>[] = [];
const logs: string[] = [];

beforeAll(async () => {
  tables = await createLocalTables();
  bundleFunctions([importFunction, importWorker]);
  // What `npm start` runs: the chunk queue (+ DLQ) polled for its consumer, `import-worker`, by id.
  sources = await startLocalEventSources({
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    env: tables.env,
    lambdas: [importWorker],
    tableDesigns: [],
    queues: [queueDeclaration(IMPORT_CHUNKS_QUEUE)],
    streamSources: [],
    sqsPort: 0,
    log: (line) => void logs.push(line),
  });
  // Small thresholds so a 30 KB file fans out (the bundles read them at their first invocation).
  Object.assign(process.env, { IMPORT_FAN_OUT_THRESHOLD_BYTES: '4096', IMPORT_CHUNK_BYTES: '4096' });
  dir = mkdtempSync(path.join(tmpdir(), 'import-fan-out-'));
  imports = await startLocalImportsBucket({
    dataDir: dir,
    port: 0,
    deliver: (event) => void deliveries.push(invokeImportHandler(event, (line) => void logs.push(line))),
  });
  Object.assign(process.env, imports.env);
  s3 = s3Client(imports.s3.endpoint);
  client = createDocumentClient(process.env);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(deliveries);
  await sources?.stop();
  s3?.destroy();
  client?.destroy();
  await imports?.s3.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await tables?.drop();
});

describe('fan-out through the bundles: S3 drop → import function → import-chunks → import-worker', () => {
  it('imports a file split into chunks by the deployed bundles: every row once, first wins, the job completed', async () => {
    const lines = ['Student ID,First Name,Last Name,Hometown,Math'];
    for (let i = 0; i < 500; i++) lines.push(`BZ${i},Lê Thị,Hồng ${i},${i % 2 ? 'Huế' : 'Hà Nội'},${i % 10}`);
    lines.push('BZ7,Late,Duplicate,Huế,1');
    const body = `${lines.join('\n')}\n`;
    const key = 'imports/students/bundled.csv';
    await s3.send(new PutObjectCommand({ Bucket: imports.bucket, Key: key, Body: body }));
    await waitFor(() => deliveries.length > 0, 10_000, 'the notification');
    await Promise.all(deliveries);
    const jobs = new DynamoDbImportJobStore(client, process.env[importJobsTable.envVar]!, () => ({
      design: store.design,
      tableName: process.env.STUDENTS_TABLE_NAME!,
    }));
    const store = new DynamoDbEntityStore(students, client, process.env.STUDENTS_TABLE_NAME!);
    let job: ImportJob | undefined;
    const {
      jobs: [listed],
    } = await jobs.list(5);
    expect(listed?.fan_out?.chunks).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 240 && job?.status !== 'completed'; i++) {
      job = await jobs.get(listed!.import_id);
      if (job?.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(job).toMatchObject({
      status: 'completed',
      created: 500,
      skipped: 1,
      errors: 0,
      chunks_done: listed!.fan_out!.chunks,
      bytes_processed: Buffer.byteLength(body),
    });
    expect(await store.count({})).toBe(500);
    expect((await store.get('BZ7'))!.first_name).toBe('Lê Thị');

    // The worker bundle answers partial batch failures: a malformed body fails alone (SQS
    // redelivers it, then moves it to the DLQ); a message of the finished job is consumed.
    const record = (messageId: string, body: string) =>
      sqsRecord(
        { MessageId: messageId, ReceiptHandle: messageId, Body: body, MD5OfBody: '-' },
        { queueArn: 'arn:aws:sqs:us-east-1:000000000000:import-chunks', region: 'us-east-1' },
      );
    const answer = await new LambdaInvoker().invoke(importWorker, {
      Records: [record('bad', '{"import_id":"x"}'), record('late', JSON.stringify({ import_id: listed!.import_id, chunk: 0 }))],
    });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(await jobs.get(listed!.import_id)).toEqual(job);
  }, 120_000);
});
