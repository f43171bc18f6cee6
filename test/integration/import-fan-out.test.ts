import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type DeclaredQueue, type LocalSqs, startLocalSqs } from '../../infra/local/local-sqs.js';
import { queueDeclaration } from '../../shared/events/queues.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { bufferByteSource } from '../../shared/import/byte-source.js';
import { planCsvChunks } from '../../shared/import/csv/plan-csv-chunks.js';
import type { BatchOrigin, ImportMode } from '../../shared/import/import-sink.js';
import { fanOutWidth, IMPORT_CHUNKS_QUEUE } from '../../shared/import/jobs/fan-out.js';
import { handleChunkMessage, type ChunkMessageDeps } from '../../shared/import/jobs/handle-chunk-message.js';
import { handleObjectCreated } from '../../shared/import/jobs/handle-object-created.js';
import type { ChunkMessage, ImportChunkStore } from '../../shared/import/jobs/import-chunk.js';
import type { ImportJob } from '../../shared/import/jobs/import-job.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import type { CheckpointedSink } from '../../shared/import/jobs/run-import-job.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
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

/** Every line is exactly this many bytes, so chunk boundaries fall on known rows. */
const LINE = 64;
/** Rows per chunk: the plan cuts every CHUNK_ROWS rows. */
const CHUNK_ROWS = 20;

beforeAll(async () => {
  s3 = await startTestS3();
  sqs = await startLocalSqs({ port: 0 });
  // The declared queue with a 2 s visibility: a failed chunk comes back within the test.
  queue = (
    await createQueues(sqs.client, [
      { ...queueDeclaration(IMPORT_CHUNKS_QUEUE), name: `import-chunks-${randomBytes(3).toString('hex')}`, visibilityTimeoutSeconds: 2 },
    ])
  )[0]!;
  const counters = () => ({ design: db.store.design, tableName: db.tableName });
  // The job's end commits import.completed through the outbox, in the transaction of its final state.
  jobs = new DynamoDbImportJobStore(db.client, process.env[importJobsTable.envVar]!, counters, process.env[outboxTable.envVar]);
  chunks = new DynamoDbImportChunkStore(db.client, process.env[importJobsTable.envVar]!, counters);
}, 60_000);
afterAll(async () => {
  await sqs?.stop();
  await s3?.stop();
});

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - Buffer.byteLength(text)));

/**
 * A roster of `rows` data rows, each line LINE bytes (the last name is space-padded; cleaning
 * trims it). `dupOf(i)` makes row i repeat the id of an earlier row index; every 13th row lacks
 * its first name (an error).
 */
function roster(prefix: string, rows: number, dupOf: (i: number) => number | undefined = () => undefined): Buffer {
  const header = `${pad('Student ID,First Name,Last Name,Hometown,Math', LINE - 1)}\n`;
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const dup = dupOf(i);
    const id = `${prefix}${String(dup ?? i).padStart(4, '0')}`;
    const first = i % 13 === 12 ? '' : `First${i}`;
    const line = `${id},${first},${pad(`Nguyễn ${i}`, 20)},${['Hà Nội', 'Huế', 'Đà Nẵng'][i % 3]},${i % 11}`;
    lines.push(`${pad(line, LINE - 1)}\n`);
  }
  const csv = Buffer.from(lines.join(''));
  expect(csv.length).toBe(LINE * (rows + 1));
  return csv;
}

const stored = (prefix: string) => storedWithPrefix(db.client, db.tableName, prefix);

async function errorsCsv(jobId: string): Promise<string> {
  return (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `reports/${jobId}/errors.csv` }))).Body!.transformToString();
}

const sink = () => new DynamoDbImportSink(students, db.store, db.client, db.tableName);

function workerDeps(overrides: Partial<ChunkMessageDeps> = {}): ChunkMessageDeps {
  return {
    jobs,
    chunks,
    queue: sqsChunkQueue(sqs.client, queue.url),
    s3: s3.client,
    entities: [students],
    sink,
    owner: `worker-${randomBytes(3).toString('hex')}`,
    tuning: { progressEvery: { rows: 5, ms: 60_000 }, leaseMs: 1_000, batchSize: 5 },
    ...overrides,
  };
}

/** Drops the file in the local S3 and runs the import function's handling of its notification (fan-out above 1 KB). */
async function drop(key: string, csv: Buffer) {
  const before = s3.events.length;
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: csv }));
  const event: S3Event = s3.events.slice(before).find((candidate) => candidate.Records[0]!.s3.object.key === key.replace(/ /g, '+'))!;
  expect(event).toBeDefined();
  const outcome = await handleObjectCreated(event.Records[0]!, {
    jobs,
    s3: s3.client,
    entities: [students],
    sink,
    owner: 'import-fn',
    fanOut: { chunks, queue: sqsChunkQueue(sqs.client, queue.url), settings: { thresholdBytes: 1024, chunkBytes: LINE * CHUNK_ROWS } },
  });
  return { event, outcome };
}

const onePass = async (csv: Buffer, name: string) => (await onePassOf(csv, name)).summary;
const onePassReport = async (csv: Buffer, name: string) => (await onePassOf(csv, name)).report;
const completedEventsOf = (jobId: string) => completedEvents(db.client, jobId);
const leaseRunOut = (jobId: string, index: number) => leaseExpired(chunks, jobId, index);
const drain = (jobId: string, deps: Parameters<typeof drainChunks>[2] = () => workerDeps(), parallel = 3) =>
  drainChunks({ sqs: sqs.client, queueUrl: queue.url, jobs }, jobId, deps, parallel);

describe('import fan-out over local S3 + SQS + DynamoDB Local', () => {
  it('splits a file into lanes of chunks and imports every valid row exactly once, with the totals of one pass', async () => {
    const total0 = await db.store.count({});
    const csv = roster('FA', 200);
    const key = 'imports/students/fan a.csv';
    const { outcome } = await drop(key, csv);
    expect(outcome).toMatchObject({ kind: 'fanned-out', plan: { chunks: 10, width: fanOutWidth(students) } });
    expect(fanOutWidth(students)).toBe(5);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    const { failures } = await drain(jobId);
    expect(failures).toBe(0);
    const job = (await jobs.get(jobId))!;
    const reference = await onePass(csv, key);
    expect(job.status).toBe('completed_with_errors');
    expect(job.chunks_done).toBe(10);
    expect(job.bytes_processed).toBe(csv.length);
    expectSameAsOnePass(job, reference);
    expect(job.rows_per_second).toBeGreaterThan(0);
    const items = await stored('FA');
    expect(items.size).toBe(reference.created);
    expect(await db.store.count({})).toBe(total0 + reference.created);
    expect(await db.store.count({ filter: { name: 'hometown', value: filterValue('Huế')! } })).toBe(
      [...items.values()].filter((item) => item.hometown === 'Huế').length,
    );
    // The report is written once, by the chunk that ended the job.
    const summary = JSON.parse(
      await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `reports/${jobId}/summary.json` }))).Body!.transformToString(),
    );
    expect(summary).toMatchObject({ import_id: jobId, status: 'completed_with_errors', created: reference.created });
  }, 120_000);

  it('a fanned-out job with bad rows in every chunk publishes ONE import.completed and an errors.csv of every bad row, in row order', async () => {
    // 200 rows in 10 chunks: every 13th row lacks its first name (an error), and from index 40 on
    // every 3rd row repeats an id of the first 40 (skipped): > 100 of a kind, so the report is more
    // than the job's first-100 details, and each chunk writes several segments (a checkpoint every 5 rows).
    const csv = roster('FG', 200, (i) => (i >= 40 && i % 3 === 0 ? i % 40 : undefined));
    const key = 'imports/students/fan-g.csv';
    const { outcome } = await drop(key, csv);
    expect(outcome).toMatchObject({ kind: 'fanned-out', plan: { chunks: 10 } });
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    // Chunks ending out of order (the last one first) do not reorder the report.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 9 }, workerDeps())).toMatchObject({ kind: 'forwarded', chunk: { kind: 'ended' } });
    const { failures } = await drain(jobId);
    expect(failures).toBe(0);
    const job = (await jobs.get(jobId))!;
    const reference = await onePass(csv, key);
    expectSameAsOnePass(job, reference);
    expect(reference.skipped).toBeGreaterThan(40);
    expect(reference.errors + reference.skipped).toBeGreaterThan(60);
    const report = await errorsCsv(jobId);
    expect(report).toBe(await onePassReport(csv, key));
    const lines = report.split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(reference.errors + reference.warnings + reference.skipped);
    const rows = lines.map((line) => Number(line.split(',')[1]));
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    // Bad rows in (nearly) every chunk: chunk c holds sheet rows 2 + 20c … 21 + 20c.
    expect(new Set(rows.map((row) => Math.floor((row - 2) / CHUNK_ROWS))).size).toBe(10);
    expect(lines).toContain(`error,14,FG0012,first_name,Required; the cell is empty`);
    // Exactly one event, with the job's final totals and its report.
    const events = await completedEventsOf(jobId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'import.completed',
      data: {
        import_id: jobId,
        status: 'completed_with_errors',
        door: 's3',
        totals: { created: job.created, skipped: job.skipped, errors: job.errors, rows_processed: job.rows_processed },
        report_key: `reports/${jobId}/errors.csv`,
      },
    });
    // A late duplicate of the last chunk changes nothing: still one event.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 9 }, workerDeps())).toMatchObject({ kind: 'dropped' });
    expect(await completedEventsOf(jobId)).toHaveLength(1);
  }, 120_000);

  it('keeps "first wins" across chunk boundaries: a later duplicate in another chunk is skipped, the first row is stored', async () => {
    // Chunks are rows 2–21, 22–41, …: row index 20 (sheet row 22) opens chunk 1 and repeats index 19
    // (the last row of chunk 0); index 150 repeats index 3; index 60 carries the id of index 190 (its own row comes later).
    const dups: Record<number, number> = { 20: 19, 150: 3, 60: 190 };
    const csv = roster('FB', 200, (i) => dups[i]);
    const key = 'imports/students/fan-b.csv';
    const ranges = await planCsvChunks(bufferByteSource(csv), LINE * CHUNK_ROWS);
    expect(ranges[1]!.firstRow).toBe(22);
    const { outcome } = await drop(key, csv);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    // The chunks holding the later duplicates (7: row 152, 9: row 192) end before the chunks of their first rows start.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 9 }, workerDeps())).toMatchObject({ kind: 'forwarded', chunk: { kind: 'ended' } });
    expect(await handleChunkMessage({ import_id: jobId, chunk: 7 }, workerDeps())).toMatchObject({ kind: 'forwarded', chunk: { kind: 'ended' } });
    await drain(jobId);
    const job = (await jobs.get(jobId))!;
    const reference = await onePass(csv, key);
    expectSameAsOnePass(job, reference);
    const items = await stored('FB');
    expect(items.size).toBe(reference.created);
    expect(items.get('FB0019')!.first_name).toBe('First19');
    expect(items.get('FB0003')!.first_name).toBe('First3');
    // Row index 60 carries the id of row index 190: the earlier row wins although its chunk ran last.
    expect(items.get('FB0190')!.first_name).toBe('First60');
    expect(items.has('FB0060')).toBe(false);
    const summary = JSON.parse(
      await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `reports/${jobId}/summary.json` }))).Body!.transformToString(),
    );
    expect(summary.summary.skipped_details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 22, student_id: 'FB0019', message: 'Duplicate of row 21, which is kept' }),
        expect.objectContaining({ row: 152, student_id: 'FB0003', message: 'Duplicate of row 5, which is kept' }),
        expect.objectContaining({ row: 192, student_id: 'FB0190', message: 'Duplicate of row 62, which is kept' }),
      ]),
    );
    expect(summary.summary.skipped_details).toEqual((await onePass(csv, key)).skipped_details);
    expect(summary.skipped).toBe(3);
  }, 120_000);

  it('a chunk message delivered twice (and the notification again) counts nothing twice', async () => {
    const total0 = await db.store.count({});
    const csv = roster('FC', 120);
    const key = 'imports/students/fan-c.csv';
    const { event, outcome } = await drop(key, csv);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    // Every lane start again (a redelivered notification re-sends them), plus another copy of chunk 2.
    const again = await handleObjectCreated(event.Records[0]!, {
      jobs,
      s3: s3.client,
      entities: [students],
      sink,
      owner: 'import-fn-2',
      fanOut: { chunks, queue: sqsChunkQueue(sqs.client, queue.url), settings: { thresholdBytes: 1024, chunkBytes: LINE * CHUNK_ROWS } },
    });
    expect(again).toMatchObject({ kind: 'fanned-out', resent: true });
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ import_id: jobId, chunk: 2 }) }));
    const { handled } = await drain(jobId, () => workerDeps(), 4);
    expect(handled.length).toBeGreaterThan(6);
    const job = (await jobs.get(jobId))!;
    expect(job.chunks_done).toBe(6);
    expectSameAsOnePass(job, await onePass(csv, key));
    expect((await stored('FC')).size).toBe(job.created);
    expect(await db.store.count({})).toBe(total0 + job.created);
    // A message after the end does nothing.
    expect(await handleChunkMessage({ import_id: jobId, chunk: 0 }, workerDeps())).toMatchObject({ kind: 'dropped' });
    expect((await jobs.get(jobId))!).toEqual(job);
    expect(await completedEventsOf(jobId)).toHaveLength(1);
    expect(await errorsCsv(jobId)).toBe(await onePassReport(csv, key));
  }, 120_000);

  it('a worker killed mid-chunk (after writing, before its checkpoint, lease never released) is redelivered and the table ends the same', async () => {
    const total0 = await db.store.count({});
    const csv = roster('FD', 120);
    const key = 'imports/students/fan-d.csv';
    const { outcome } = await drop(key, csv);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    let killed = 0;
    const neverReleases: ImportChunkStore = Object.assign(Object.create(chunks), { release: async () => undefined });
    const { failures } = await drain(jobId, (message, receiveCount) => {
      if (message.chunk !== 3) return workerDeps();
      // The redelivery comes after the dead worker's lease has run out, as in AWS (900 s visibility against a
      // lease renewed every few seconds for 60 s); here both are seconds, and a loaded machine could reorder them.
      if (receiveCount > 1) return leaseRunOut(jobId, 3).then(() => workerDeps());
      // First delivery of chunk 3: dies right after writing its third batch of 5 (a checkpoint every 5 rows covers the earlier ones).
      const inner = sink();
      let batches = 0;
      const dying: CheckpointedSink = {
        takeDelta: (row) => inner.takeDelta(row),
        async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin) {
          const result = await inner.writeBatch(items, mode, origin);
          if (++batches === 3) {
            killed++;
            throw new Error('worker killed');
          }
          return result;
        },
      };
      return workerDeps({
        chunks: neverReleases,
        sink: () => dying,
        writers: 1,
        tuning: { progressEvery: { rows: 5, ms: 60_000 }, leaseMs: 1_000, batchSize: 5 },
      });
    });
    expect(killed).toBe(1);
    expect(failures).toBe(1);
    const job = (await jobs.get(jobId))!;
    expect(job.status).toBe('completed_with_errors');
    expectSameAsOnePass(job, await onePass(csv, key));
    const items = await stored('FD');
    expect(items.size).toBe(job.created);
    expect(await db.store.count({})).toBe(total0 + job.created);
    // The killed delivery's uncommitted lines are rewritten by the redelivery: none lost, none repeated.
    expect(await errorsCsv(jobId)).toBe(await onePassReport(csv, key));
    expect(await completedEventsOf(jobId)).toHaveLength(1);
  }, 120_000);

  it('a worker that dies after ending its chunk but before sending the next one of its lane: the redelivery sends it and the job ends', async () => {
    const csv = roster('FF', 120);
    const { outcome } = await drop('imports/students/fan-f.csv', csv);
    const jobId = (outcome as { job: ImportJob }).job.import_id;
    const sends: number[] = [];
    const { failures, handled } = await drain(jobId, (message, receiveCount) => {
      if (message.chunk !== 0 || receiveCount > 1) return workerDeps();
      // Chunk 0 ends (its transaction commits), then the SendMessage of chunk 5 never happens.
      const dying = {
        async send(messages: readonly ChunkMessage[]): Promise<void> {
          sends.push(...messages.map((m) => m.chunk));
          throw new Error('worker killed before SendMessage');
        },
      };
      return workerDeps({ queue: dying });
    });
    expect(sends).toEqual([5]);
    expect(failures).toBe(1);
    expect(handled.filter((entry) => entry.startsWith('0:'))).toEqual(['0:forwarded']);
    const job = (await jobs.get(jobId))!;
    expect(job).toMatchObject({ status: 'completed_with_errors', chunks_done: 6 });
    expectSameAsOnePass(job, await onePass(csv, 'imports/students/fan-f.csv'));
  }, 120_000);

  it('a small file stays on the one-function path', async () => {
    const csv = roster('FE', 10);
    const { outcome } = await drop('imports/students/fan-e.csv', csv);
    expect(outcome).toMatchObject({ kind: 'ran', job: { status: 'completed', created: 10 } });
    expect((outcome as { job: ImportJob }).job.fan_out).toBeUndefined();
  });
});
