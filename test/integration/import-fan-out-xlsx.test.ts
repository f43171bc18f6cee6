import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type DeclaredQueue, type LocalSqs, startLocalSqs } from '../../infra/local/local-sqs.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { queueDeclaration } from '../../shared/events/queues.js';
import type { BatchOrigin, ImportMode } from '../../shared/import/import-sink.js';
import { IMPORT_CHUNKS_QUEUE } from '../../shared/import/jobs/fan-out.js';
import { type ChunkMessageDeps, handleChunkMessage } from '../../shared/import/jobs/handle-chunk-message.js';
import { handleObjectCreated } from '../../shared/import/jobs/handle-object-created.js';
import type { ImportChunkStore } from '../../shared/import/jobs/import-chunk.js';
import type { ImportJob } from '../../shared/import/jobs/import-job.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import type { CheckpointedSink } from '../../shared/import/jobs/run-import-job.js';
import { sqsChunkQueue } from '../../shared/import/sqs/sqs-chunk-queue.js';
import { DynamoDbImportChunkStore } from '../../shared/store/dynamodb/dynamodb-import-chunk-store.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import { students } from '../../shared/students/students.entity.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';
import { useStudentsStore } from '../support/students-store.js';
import {
  completedEventsOf as completedEvents,
  drainChunks,
  expectSameAsOnePass,
  leaseRunOut as leaseExpired,
  onePass as onePassOf,
} from '../support/import-fan-out.js';
import { storedWithPrefix } from '../support/table-scan.js';

const db = useStudentsStore();
let s3: TestS3;
let sqs: LocalSqs;
let queue: DeclaredQueue;
let jobs: DynamoDbImportJobStore;
let chunks: DynamoDbImportChunkStore;

beforeAll(async () => {
  s3 = await startTestS3();
  sqs = await startLocalSqs({ port: 0 });
  queue = (
    await createQueues(sqs.client, [
      { ...queueDeclaration(IMPORT_CHUNKS_QUEUE), name: `import-chunks-${randomBytes(3).toString('hex')}`, visibilityTimeoutSeconds: 2 },
    ])
  )[0]!;
  const counters = () => ({ design: db.store.design, tableName: db.tableName });
  jobs = new DynamoDbImportJobStore(db.client, process.env[importJobsTable.envVar]!, counters, process.env[outboxTable.envVar]);
  chunks = new DynamoDbImportChunkStore(db.client, process.env[importJobsTable.envVar]!, counters);
}, 60_000);
afterAll(async () => {
  await sqs?.stop();
  await s3?.stop();
});

/**
 * A workbook of `rows` student rows on a "Students" sheet after a "Notes" sheet (the import
 * reads the sheet named after the entity). `dupOf(i)` makes row index i repeat the id of another
 * index; every 13th row lacks its first name (an error).
 */
async function roster(prefix: string, rows: number, dupOf: (i: number) => number | undefined = () => undefined): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (chunk: Buffer) => parts.push(chunk));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const notes = writer.addWorksheet('Notes');
  notes.addRow(['not the roster']).commit();
  notes.commit();
  const sheet = writer.addWorksheet('Students');
  sheet.addRow(['Student ID', 'First Name', 'Last Name', 'Hometown', 'Math']).commit();
  for (let i = 0; i < rows; i++) {
    const id = `${prefix}${String(dupOf(i) ?? i).padStart(4, '0')}`;
    sheet.addRow([id, i % 13 === 12 ? '' : `First${i}`, `Nguyễn ${i}`, ['Hà Nội', 'Huế', 'Đà Nẵng'][i % 3], i % 11]).commit();
  }
  sheet.commit();
  await writer.commit();
  return Buffer.concat(parts);
}

const getText = async (key: string) => (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToString();

const sink = () => new DynamoDbImportSink(students, db.store, db.client, db.tableName);
const workerDeps = (overrides: Partial<ChunkMessageDeps> = {}): ChunkMessageDeps => ({
  jobs,
  chunks,
  queue: sqsChunkQueue(sqs.client, queue.url),
  s3: s3.client,
  entities: [students],
  sink,
  owner: `worker-${randomBytes(3).toString('hex')}`,
  tuning: { progressEvery: { rows: 5, ms: 60_000 }, leaseMs: 1_000, batchSize: 5 },
  ...overrides,
});

/** Drops the workbook and runs the import function on its notification: over 1 KB fans out, into ~10 chunks. */
async function drop(key: string, file: Buffer) {
  const before = s3.events.length;
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: file }));
  const event: S3Event = s3.events.slice(before).find((candidate) => candidate.Records[0]!.s3.object.key === key)!;
  const run = (owner: string) =>
    handleObjectCreated(event.Records[0]!, {
      jobs,
      s3: s3.client,
      entities: [students],
      sink,
      owner,
      fanOut: { chunks, queue: sqsChunkQueue(sqs.client, queue.url), settings: { thresholdBytes: 1024, chunkBytes: Math.ceil(file.length / 10) } },
    });
  return { outcome: await run('import-fn'), again: () => run('import-fn-2') };
}

const onePass = onePassOf;
const completedEventsOf = (jobId: string) => completedEvents(db.client, jobId);
const leaseRunOut = (jobId: string, index: number) => leaseExpired(chunks, jobId, index);
const drain = (jobId: string, deps: Parameters<typeof drainChunks>[2] = () => workerDeps(), parallel = 3) =>
  drainChunks({ sqs: sqs.client, queueUrl: queue.url, jobs }, jobId, deps, parallel);

describe('XLSX fan-out by row ranges over local S3 + SQS + DynamoDB Local', () => {
  it('imports a workbook in row-range chunks with the table, totals, first-wins and errors.csv of one pass', async () => {
    const total0 = await db.store.count({});
    // Chunks are sheet rows 2–21, 22–41, …: index 20 (row 22) opens chunk 1 and repeats index 19 (chunk 0's
    // last row); index 150 repeats index 3; index 60 carries the id of index 190 (whose own row comes later).
    const dups: Record<number, number> = { 20: 19, 150: 3, 60: 190 };
    const file = await roster('XA', 200, (i) => dups[i]);
    const key = 'imports/students/fan-x.xlsx';
    const { outcome } = await drop(key, file);
    expect(outcome).toMatchObject({ kind: 'fanned-out', plan: { chunks: 10, width: 5 } });
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    const planned = await chunks.list(jobId, 10);
    expect(planned.map((chunk) => [chunk.kind, chunk.first_row, chunk.end_row])).toEqual(
      Array.from({ length: 10 }, (_, i) => ['rows', 2 + 20 * i, 22 + 20 * i]),
    );
    // The chunks of the later duplicates (9: row 192, 7: row 152) end before the chunks of their first rows start.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 9 }, workerDeps())).toMatchObject({
      kind: 'forwarded',
      chunk: { kind: 'ended', status: 'done' },
    });
    expect(await handleChunkMessage({ import_id: jobId, chunk: 7 }, workerDeps())).toMatchObject({
      kind: 'forwarded',
      chunk: { kind: 'ended', status: 'done' },
    });
    const { failures } = await drain(jobId);
    expect(failures).toBe(0);
    const job = (await jobs.get(jobId))!;
    const { summary: reference, report } = await onePass(file, key);
    expect(job).toMatchObject({ status: 'completed_with_errors', chunks_done: 10, bytes_processed: file.length });
    expectSameAsOnePass(job, reference);
    const items = await storedWithPrefix(db.client, db.tableName, 'XA');
    expect(items.size).toBe(reference.created);
    expect(await db.store.count({})).toBe(total0 + reference.created);
    expect(items.get('XA0019')!.first_name).toBe('First19');
    expect(items.get('XA0003')!.first_name).toBe('First3');
    expect(items.get('XA0190')!.first_name).toBe('First60');
    expect(items.has('XA0060')).toBe(false);
    const summary = JSON.parse(await getText(`reports/${jobId}/summary.json`));
    expect(summary.summary.skipped_details).toEqual(reference.skipped_details);
    expect(summary.summary.skipped_details).toEqual([
      expect.objectContaining({ row: 22, student_id: 'XA0019', message: 'Duplicate of row 21, which is kept' }),
      expect.objectContaining({ row: 152, student_id: 'XA0003', message: 'Duplicate of row 5, which is kept' }),
      expect.objectContaining({ row: 192, student_id: 'XA0190', message: 'Duplicate of row 62, which is kept' }),
    ]);
    // Row numbers are the spreadsheet's: index 12 is sheet row 14 (the header is row 1).
    const errorsCsv = await getText(`reports/${jobId}/errors.csv`);
    expect(errorsCsv).toContain('error,14,XA0012,first_name,Required; the cell is empty');
    expect(errorsCsv).toBe(report);
    expect(await completedEventsOf(jobId)).toHaveLength(1);
  }, 120_000);

  it('a redelivered chunk, the lane starts sent again and a message after the end duplicate nothing', async () => {
    const total0 = await db.store.count({});
    const file = await roster('XB', 120);
    const key = 'imports/students/fan-xb.xlsx';
    const { outcome, again } = await drop(key, file);
    expect(outcome).toMatchObject({ kind: 'fanned-out', plan: { chunks: 10 } });
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    expect(await again()).toMatchObject({ kind: 'fanned-out', resent: true });
    // Chunk 2 runs to its end, then comes again (as after a lost delete), and once more on the queue.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 2 }, workerDeps())).toMatchObject({ kind: 'forwarded', chunk: { kind: 'ended' } });
    expect(await handleChunkMessage({ import_id: jobId, chunk: 2 }, workerDeps())).toMatchObject({
      kind: 'forwarded',
      chunk: { kind: 'skipped', reason: 'ended' },
    });
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ import_id: jobId, chunk: 2 }) }));
    const { failures, handled } = await drain(jobId);
    expect(failures).toBe(0);
    expect(handled.length).toBeGreaterThan(10);
    const job = (await jobs.get(jobId))!;
    const { summary: reference, report } = await onePass(file, key);
    expect(job.chunks_done).toBe(10);
    expectSameAsOnePass(job, reference);
    expect((await storedWithPrefix(db.client, db.tableName, 'XB')).size).toBe(reference.created);
    expect(await db.store.count({})).toBe(total0 + reference.created);
    expect(await handleChunkMessage({ import_id: jobId, chunk: 0 }, workerDeps())).toMatchObject({ kind: 'dropped' });
    expect(await jobs.get(jobId)).toEqual(job);
    expect(await completedEventsOf(jobId)).toHaveLength(1);
    expect(await getText(`reports/${jobId}/errors.csv`)).toBe(report);
  }, 120_000);

  it('a worker killed mid-chunk (after writing, before its checkpoint, lease never released) resumes on redelivery and the table ends the same', async () => {
    const total0 = await db.store.count({});
    const file = await roster('XD', 120);
    const key = 'imports/students/fan-xd.xlsx';
    const { outcome } = await drop(key, file);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    let killed = 0;
    const neverReleases: ImportChunkStore = Object.assign(Object.create(chunks), { release: async () => undefined });
    const { failures } = await drain(jobId, (message, receiveCount) => {
      if (message.chunk !== 6) return workerDeps();
      // The redelivery comes after the dead worker's lease has run out, as in AWS (900 s visibility against a
      // lease renewed every few seconds for 60 s); here both are seconds, and a loaded machine could reorder them.
      if (receiveCount > 1) return leaseRunOut(jobId, 6).then(() => workerDeps());
      // First delivery of chunk 6 (rows 74–85): dies right after writing its second batch of 5 (the first is checkpointed).
      const inner = sink();
      let batches = 0;
      const dying: CheckpointedSink = {
        takeDelta: (row) => inner.takeDelta(row),
        async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin) {
          const result = await inner.writeBatch(items, mode, origin);
          if (++batches === 2) {
            killed++;
            throw new Error('worker killed');
          }
          return result;
        },
      };
      return workerDeps({ chunks: neverReleases, sink: () => dying, writers: 1 });
    });
    expect(killed).toBe(1);
    expect(failures).toBe(1);
    const job = (await jobs.get(jobId))!;
    const { summary: reference, report } = await onePass(file, key);
    expectSameAsOnePass(job, reference);
    expect((await storedWithPrefix(db.client, db.tableName, 'XD')).size).toBe(reference.created);
    expect(await db.store.count({})).toBe(total0 + reference.created);
    expect(await getText(`reports/${jobId}/errors.csv`)).toBe(report);
    expect(await completedEventsOf(jobId)).toHaveLength(1);
  }, 120_000);

  it('a small workbook stays on the one-function path', async () => {
    const file = await roster('XC', 5);
    const before = s3.events.length;
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'imports/students/small.xlsx', Body: file }));
    const event = s3.events.slice(before)[0]!;
    const outcome = await handleObjectCreated(event.Records[0]!, {
      jobs,
      s3: s3.client,
      entities: [students],
      sink,
      owner: 'import-fn',
      fanOut: { chunks, queue: sqsChunkQueue(sqs.client, queue.url), settings: { thresholdBytes: file.length + 1, chunkBytes: 100 } },
    });
    expect(outcome).toMatchObject({ kind: 'ran', job: { status: 'completed', created: 5 } });
    expect((outcome as { job: ImportJob }).job.fan_out).toBeUndefined();
  });
});
