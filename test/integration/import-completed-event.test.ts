import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainEvent, eventCatalog } from '../../events/catalog.js';
import { bufferByteSource } from '../../shared/import/byte-source.js';
import { completeJob } from '../../shared/import/jobs/complete-job.js';
import { importCompletedEventId } from '../../shared/import/jobs/import-completed-event.js';
import { jobIdFor, queuedJob } from '../../shared/import/jobs/import-job.js';
import type { JobReport } from '../../shared/import/jobs/job-report.js';
import { runImportJob } from '../../shared/import/jobs/run-import-job.js';
import { type DynamoDbImportJobStore, LeaseLostError } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import { students } from '../../shared/students/students.entity.js';
import { importJobStoreOf, useStudentsStore } from '../support/students-store.js';

const db = useStudentsStore();
let jobs: DynamoDbImportJobStore;

beforeAll(() => {
  jobs = importJobStoreOf(db);
});

/** A report that writes nothing and answers a fixed URL (the report itself is tested in import-report.test.ts). */
const fixedUrlReport: JobReport = {
  add: () => undefined,
  pendingBytes: 0,
  flush: async (_from, _to, after) => after,
  write: async () => 's3://records-imports/reports/x/',
};

const sink = () => new DynamoDbImportSink(students, db.store, db.client, db.tableName);

/** The outbox rows of one job's import.completed, parsed as the publisher would. */
async function completedEventsOf(importId: string) {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.client.send(new ScanCommand({ TableName: process.env.OUTBOX_TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter((event) => event.type === 'import.completed' && event.data.import_id === importId);
}

async function newJob(name: string, csv: string, correlation_id?: string) {
  const source = { bucket: 'records-imports', key: `imports/students/${name}.csv`, etag: `"${name}"`, door: 's3' as const };
  const id = jobIdFor(source);
  await jobs.create(
    queuedJob({
      import_id: id,
      entity: 'students',
      source,
      mode: 'create',
      bytes_total: csv.length,
      now: new Date(),
      ...(correlation_id ? { correlation_id } : {}),
    }),
  );
  return id;
}

describe('import.completed through the outbox', () => {
  it('a finished job writes exactly one import.completed row, in the transaction of its final state', async () => {
    const csv = 'Student ID,First Name,Last Name,Math\nev1,An,Nguyen,8\nev2,Binh,,7\nev1,Dup,Row,5\nev3,Chi,Le,11\n';
    const id = await newJob('ev-done', csv, 'req-upload-123');
    const outcome = await runImportJob(id, {
      jobs,
      sink: sink(),
      entity: students,
      bytes: bufferByteSource(Buffer.from(csv)),
      owner: 'w1',
      report: fixedUrlReport,
    });
    expect(outcome.kind).toBe('ran');
    const job = (await jobs.get(id))!;
    const events = await completedEventsOf(id);
    expect(events).toHaveLength(1);
    const [event] = events;
    // Valid against the catalog's schema (the one events/schemas/import.completed.json is generated from).
    expect(eventCatalog['import.completed'].envelope.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      id: importCompletedEventId(id),
      version: 1,
      correlation_id: 'req-upload-123',
      causation_id: null,
      occurred_at: job.finished_at,
      data: {
        import_id: id,
        entity: 'students',
        status: 'completed_with_errors',
        door: 's3',
        mode: 'create',
        totals: { total_rows: 4, created: 2, updated: 0, skipped: 1, errors: 1, warnings: 1, rows_processed: job.rows_processed },
        message: null,
        report_url: 's3://records-imports/reports/x/',
        report_key: `reports/${id}/errors.csv`,
        started_at: job.started_at,
        finished_at: job.finished_at,
      },
    });
  });

  it('a retried completion writes no second row: the job is no longer running, and the event id is the job’s', async () => {
    const csv = 'Student ID,First Name,Last Name\nev10,An,Nguyen\n';
    const id = await newJob('ev-retry', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(Buffer.from(csv)), owner: 'w1' });
    const job = (await jobs.get(id))!;
    // The same completion again (a retry after a lost answer), by the same owner.
    await expect(
      completeJob({
        jobs,
        owner: 'w1',
        job,
        final: { status: 'completed', finished_at: new Date().toISOString() },
        counted: { entity: 'students', delta: { total: 0, filters: {} } },
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    // A redelivered notification: the job is finished, nothing runs.
    expect((await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(Buffer.from(csv)), owner: 'w2' })).kind).toBe('skipped');
    const events = await completedEventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      correlation_id: id,
      data: { status: 'completed', totals: { created: 1, errors: 0 }, report_url: null, report_key: null },
    });
  });

  it('a failed job (missing columns) publishes import.completed with status failed and its message', async () => {
    const csv = 'Student ID,First Name\nev20,An\n';
    const id = await newJob('ev-failed', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(Buffer.from(csv)), owner: 'w1' });
    const events = await completedEventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ status: 'failed', totals: { total_rows: 0 }, message: expect.stringMatching(/last_name/) });
  });

  it('a completion whose transaction fails writes no event, and its retry writes exactly one', async () => {
    const csv = 'Student ID,First Name,Last Name\nev30,An,Nguyen\n';
    const id = await newJob('ev-fail-once', csv);
    let failures = 0;
    const flaky: DynamoDbImportJobStore = Object.assign(Object.create(jobs), {
      finish: async (...args: Parameters<DynamoDbImportJobStore['finish']>) => {
        if (failures++ === 0) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        return jobs.finish(...args);
      },
    });
    await expect(runImportJob(id, { jobs: flaky, sink: sink(), entity: students, bytes: bufferByteSource(Buffer.from(csv)), owner: 'w1' })).rejects.toThrow(
      'throttled',
    );
    expect(await completedEventsOf(id)).toHaveLength(0);
    expect((await jobs.get(id))!.status).toBe('running');
    // The lease was given back: the retry resumes from the checkpoint and ends the job once.
    expect((await runImportJob(id, { jobs: flaky, sink: sink(), entity: students, bytes: bufferByteSource(Buffer.from(csv)), owner: 'w2' })).kind).toBe('ran');
    expect(await completedEventsOf(id)).toHaveLength(1);
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed', created: 1 });
  });
});
