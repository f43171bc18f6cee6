import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferByteSource } from '../../shared/import/byte-source.js';
import type { BatchOrigin, ImportMode } from '../../shared/import/import-sink.js';
import { jobIdFor, queuedJob } from '../../shared/import/jobs/import-job.js';
import { type CheckpointedSink, runImportJob } from '../../shared/import/jobs/run-import-job.js';
import { S3ImportReport } from '../../shared/import/s3/s3-import-report.js';
import type { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import { students } from '../../shared/students/students.entity.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';
import { importJobStoreOf, useStudentsStore } from '../support/students-store.js';

const db = useStudentsStore();
let s3: TestS3;
let jobs: DynamoDbImportJobStore;

beforeAll(async () => {
  s3 = await startTestS3();
  jobs = importJobStoreOf(db);
}, 60_000);
afterAll(async () => {
  await s3?.stop();
});

/**
 * `rows` data rows (spreadsheet rows 2…): by index i % 4, 1 = an error (no last name), 2 = a
 * warning (math "=1+2"), 3 = skipped (repeats the id of row i-1), 0 = clean. The first row's
 * id starts with "-" and the last row repeats it: its skip line must come out neutralised.
 * Returns the file and the report lines it must produce, `kind,row` each, in row order.
 */
function badRoster(prefix: string, rows: number): { csv: Buffer; expected: string[] } {
  const lines = ['Student ID,First Name,Last Name,Math'];
  const expected: string[] = [];
  const first = `-${prefix}F`;
  lines.push(`${first},Ân,Formula,5`);
  for (let i = 1; i < rows - 1; i++) {
    const row = i + 2;
    if (i % 4 === 1) {
      lines.push(`${prefix}${i},Nguyễn,,7`);
      expected.push(`error,${row}`);
    } else if (i % 4 === 2) {
      lines.push(`${prefix}${i},Trần,Văn ${i},=1+2`);
      expected.push(`warning,${row}`);
    } else if (i % 4 === 3) {
      lines.push(`${prefix}${i - 1},Dup,Licate,5`);
      expected.push(`skipped,${row}`);
    } else {
      lines.push(`${prefix}${i},Lê,Thị ${i},8`);
    }
  }
  lines.push(`${first},Again,Formula,5`);
  expected.push(`skipped,${rows + 1}`);
  return { csv: Buffer.from(`${lines.join('\r\n')}\r\n`), expected };
}

async function newJob(name: string, csv: Buffer, mode: ImportMode = 'create') {
  const source = { bucket: s3.bucket, key: `imports/students/${name}.csv`, etag: `"${name}"`, door: 's3' as const };
  const id = jobIdFor(source);
  await jobs.create(queuedJob({ import_id: id, entity: 'students', source, mode, bytes_total: csv.length, now: new Date() }));
  return id;
}

const sink = () => new DynamoDbImportSink(students, db.store, db.client, db.tableName);
const report = (id: string, owner: string) => new S3ImportReport(s3.client, s3.bucket, 'student_id', id, owner);

async function errorsCsv(id: string): Promise<string[]> {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `reports/${id}/errors.csv` }));
  const text = await out.Body!.transformToString();
  expect(text.endsWith('\r\n')).toBe(true);
  return text.split('\r\n').slice(0, -1);
}

async function segmentsOf(id: string): Promise<string[]> {
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `reports/${id}/segments/` }));
  return (out.Contents ?? []).map((object) => object.Key!);
}

const kindAndRow = (line: string) => line.split(',').slice(0, 2).join(',');

describe('the full import report (errors.csv) on the local S3', () => {
  it('holds every error, warning and skipped row of a file with hundreds of them, with their row numbers, in row order', async () => {
    const { csv, expected } = badRoster('RA', 1000);
    const id = await newJob('report-all', csv);
    const outcome = await runImportJob(id, {
      jobs,
      sink: sink(),
      entity: students,
      bytes: bufferByteSource(csv),
      owner: 'w1',
      writers: 4,
      progressEvery: { rows: 100, ms: 60_000 },
      report: report(id, 'w1'),
    });
    expect(outcome.kind).toBe('ran');
    const job = (await jobs.get(id))!;
    expect(job).toMatchObject({ status: 'completed_with_errors', errors: 250, warnings: 250, skipped: 250 });
    expect(job.error_details).toHaveLength(100); // the job keeps the first 100
    const lines = await errorsCsv(id);
    expect(lines[0]).toBe('kind,row,student_id,field,message');
    expect(lines.slice(1).map(kindAndRow)).toEqual(expected);
    expect(expected.filter((line) => line.startsWith('error'))).toHaveLength(250);
    expect(lines).toContain('error,3,RA1,last_name,Required; the cell is empty');
    // Cells a spreadsheet would run are neutralised with the export's prefix.
    expect(lines.at(-1)).toBe(`skipped,1001,'-RAF,,"Duplicate of row 2, which is kept"`);
    expect(lines).toContain(`warning,4,RA2,math_score,''=1+2' is not a number; left empty`);
    // One segment per checkpoint that had lines (at most one checkpoint in flight, so fewer than rows / 100), chained.
    expect((await segmentsOf(id)).length).toBeGreaterThanOrEqual(3);
  });

  it('a worker killed after a batch (its lines only in memory) is resumed: no line lost, none repeated', async () => {
    const { csv, expected } = badRoster('RB', 600);
    const id = await newJob('report-killed', csv);
    const inner = sink();
    let batches = 0;
    const dying: CheckpointedSink = {
      takeDelta: (row) => inner.takeDelta(row),
      async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin) {
        const result = await inner.writeBatch(items, mode, origin);
        if (++batches === 9) throw new Error('worker killed');
        return result;
      },
    };
    const deps = { jobs, entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 60, ms: 60_000 }, writers: 2 };
    await expect(runImportJob(id, { ...deps, sink: dying, owner: 'w1', report: report(id, 'w1') })).rejects.toThrow('worker killed');
    expect((await jobs.get(id))!.checkpoint?.report_segment).toMatch(/-w1\.csv$/);
    expect((await runImportJob(id, { ...deps, sink: sink(), owner: 'w2', report: report(id, 'w2') })).kind).toBe('ran');
    expect((await errorsCsv(id)).slice(1).map(kindAndRow)).toEqual(expected);
  });

  it('a worker that wrote a segment and died before its checkpoint committed: the resumed job ignores that segment', async () => {
    const { csv, expected } = badRoster('RC', 600);
    const id = await newJob('report-orphan', csv);
    // w1's third checkpoint dies after its segment is in S3, before the transaction; it never gives the lease back.
    let checkpoints = 0;
    const dyingJobs: DynamoDbImportJobStore = Object.assign(Object.create(jobs), {
      checkpoint: async (...args: Parameters<DynamoDbImportJobStore['checkpoint']>) => {
        if (++checkpoints === 3) throw new Error('worker killed before its checkpoint');
        return jobs.checkpoint(...args);
      },
      release: async () => undefined,
    });
    const deps = { entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 60, ms: 60_000 }, writers: 1 };
    await expect(runImportJob(id, { ...deps, jobs: dyingJobs, sink: sink(), owner: 'w1', leaseMs: 1, report: report(id, 'w1') })).rejects.toThrow(
      'worker killed',
    );
    const stuck = (await jobs.get(id))!;
    const w1Segments = (await segmentsOf(id)).filter((key) => key.endsWith('-w1.csv'));
    expect(w1Segments).toHaveLength(3); // two committed, one orphan
    expect(w1Segments).toContain(stuck.checkpoint!.report_segment);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await runImportJob(id, { ...deps, jobs, sink: sink(), owner: 'w2', report: report(id, 'w2') })).kind).toBe('ran');
    const lines = (await errorsCsv(id)).slice(1).map(kindAndRow);
    expect(lines).toEqual(expected);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('a file with no bad row gets a header-only errors.csv and writes no segment', async () => {
    const csv = Buffer.from('Student ID,First Name,Last Name\nRD1,An,Nguyen\nRD2,Binh,Tran\n');
    const id = await newJob('report-clean', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1', report: report(id, 'w1') });
    expect(await errorsCsv(id)).toEqual(['kind,row,student_id,field,message']);
    expect(await segmentsOf(id)).toEqual([]);
  });
});
