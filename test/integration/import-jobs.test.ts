import { beforeAll, describe, expect, it } from 'vitest';
import { filterValue } from '../../shared/entity/filter-value.js';
import { bufferByteSource } from '../../shared/import/byte-source.js';
import type { BatchOrigin, ImportMode } from '../../shared/import/import-sink.js';
import { jobIdFor, queuedJob } from '../../shared/import/jobs/import-job.js';
import { runImportJob, type CheckpointedSink } from '../../shared/import/jobs/run-import-job.js';
import type { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import { students } from '../../shared/students/students.entity.js';
import { recordingMetrics } from '../support/recording-metrics.js';
import { importJobStoreOf, useStudentsStore } from '../support/students-store.js';
import { storedWithPrefix } from '../support/table-scan.js';

const db = useStudentsStore();
let jobs: DynamoDbImportJobStore;

beforeAll(() => {
  jobs = importJobStoreOf(db);
});

const TOWNS = ['Hanoi', 'Huế', 'Đà Nẵng', ''];

/** `rows` data rows with ids `${prefix}0…`; every 10th row lacks its last name (an error), every 15th repeats an earlier id (skipped). */
function roster(prefix: string, rows: number): { csv: Buffer; valid: Map<string, string>; errors: number; skipped: number } {
  const valid = new Map<string, string>();
  let errors = 0;
  let skipped = 0;
  const lines = ['Student ID,First Name,Last Name,Hometown,Math'];
  for (let i = 0; i < rows; i++) {
    const town = TOWNS[i % TOWNS.length]!;
    if (i % 15 === 14) {
      lines.push(`${prefix}${i - 1},Dup,Licate,${town},5`);
      skipped++;
    } else if (i % 10 === 9) {
      lines.push(`${prefix}${i},Nguyễn,,${town},7`);
      errors++;
    } else {
      lines.push(`${prefix}${i},Nguyễn Văn,An ${i},${town},${i % 11}`);
      valid.set(`${prefix}${i}`.toUpperCase(), town === '' ? 'Unknown' : town);
    }
  }
  return { csv: Buffer.from(`${lines.join('\r\n')}\r\n`), valid, errors, skipped };
}

const stored = (prefix: string) => storedWithPrefix(db.client, db.tableName, prefix.toUpperCase());

async function newJob(prefix: string, csv: Buffer, mode: ImportMode = 'create') {
  const source = { bucket: 'records-imports', key: `imports/students/${prefix}.csv`, etag: `"${prefix}"`, door: 's3' as const };
  const id = jobIdFor(source);
  expect(await jobs.create(queuedJob({ import_id: id, entity: 'students', source, mode, bytes_total: csv.length, now: new Date() }))).toBe(true);
  return id;
}

const sink = () => new DynamoDbImportSink(students, db.store, db.client, db.tableName);

/** A sink that dies (like a killed worker) right after writing its `n`-th batch, before any checkpoint covers it. */
function dyingAfter(n: number): CheckpointedSink {
  const inner = sink();
  let batches = 0;
  return {
    takeDelta: (row) => inner.takeDelta(row),
    async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin) {
      const result = await inner.writeBatch(items, mode, origin);
      if (++batches === n) throw new Error('worker killed');
      return result;
    },
  };
}

describe('import jobs over DynamoDB', () => {
  it('imports every valid row once, with counters equal to the rows stored', async () => {
    const total0 = await db.store.count({});
    const dn0 = await db.store.count({ filter: { name: 'hometown', value: filterValue('Đà Nẵng')! } });
    const { csv, valid, errors, skipped } = roster('jA', 200);
    const id = await newJob('jA', csv);
    const outcome = await runImportJob(id, {
      jobs,
      sink: sink(),
      entity: students,
      bytes: bufferByteSource(csv),
      owner: 'w1',
      progressEvery: { rows: 40, ms: 60_000 },
    });
    expect(outcome.kind).toBe('ran');
    const job = (await jobs.get(id))!;
    expect(job).toMatchObject({ status: 'completed_with_errors', created: valid.size, errors, skipped, rows_processed: 200, bytes_processed: csv.length });
    expect(job.error_details[0]).toMatchObject({ row: 11, student_id: 'JA9', field: 'last_name' });
    const items = await stored('jA');
    expect(new Set(items.keys())).toEqual(new Set(valid.keys()));
    expect(await db.store.count({})).toBe(total0 + valid.size);
    expect(await db.store.count({ filter: { name: 'hometown', value: filterValue('Đà Nẵng')! } })).toBe(
      dn0 + [...items.values()].filter((item) => item.hometown === 'Đà Nẵng').length,
    );
  });

  it('runs a job once: a second create and a second run of a finished job do nothing', async () => {
    const { csv } = roster('jB', 30);
    const id = await newJob('jB', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1' });
    const again = queuedJob({
      import_id: id,
      entity: 'students',
      source: { bucket: 'b', key: 'k', door: 's3' },
      mode: 'create',
      bytes_total: 0,
      now: new Date(),
    });
    expect(await jobs.create(again)).toBe(false);
    const second = await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w2' });
    expect(second).toMatchObject({ kind: 'skipped', reason: 'finished' });
    expect((await jobs.get(id))!.created).toBe((await stored('jB')).size);
  });

  it('a second job with the same rows (a new version of the file) reports each existing id as an error in create mode', async () => {
    const { csv, valid } = roster('jD', 40);
    await runImportJob(await newJob('jD', csv), { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1' });
    const total = await db.store.count({});
    const id = await newJob('jD-v2', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1' });
    const job = (await jobs.get(id))!;
    expect(job.created).toBe(0);
    expect(job.error_details.map((detail) => detail.message)).toContain(`student with student_id '${[...valid.keys()][0]}' already exists`);
    expect(job.errors).toBe(roster('jD', 40).errors + valid.size);
    expect(await db.store.count({})).toBe(total);
  });

  it('leaves a job with a live lease to its worker', async () => {
    const { csv } = roster('jC', 5);
    const id = await newJob('jC', csv);
    expect((await jobs.claim(id, 'w1', 60_000, new Date())).kind).toBe('claimed');
    expect((await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w2' })).kind).toBe('skipped');
  });

  it('resumes a job whose worker died (lease expired) from its checkpoint', async () => {
    const prefix = 'jL';
    const total0 = await db.store.count({});
    const { csv, valid } = roster(prefix, 120);
    const id = await newJob(prefix, csv);
    const deps = { jobs, entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 25, ms: 60_000 } };
    // w1 checkpoints, dies after batch 4 and never gives its lease back (a 1 ms lease: long expired).
    const dying = dyingAfter(4);
    const neverReleases: DynamoDbImportJobStore = Object.assign(Object.create(jobs), { release: async () => undefined });
    await expect(runImportJob(id, { ...deps, jobs: neverReleases, sink: dying, owner: 'w1', leaseMs: 1 })).rejects.toThrow('worker killed');
    const stuck = (await jobs.get(id))!;
    expect(stuck).toMatchObject({ status: 'running', lease_owner: 'w1' });
    expect(stuck.checkpoint_row).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await runImportJob(id, { ...deps, sink: sink(), owner: 'w2' })).kind).toBe('ran');
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed_with_errors', created: valid.size });
    expect(await db.store.count({})).toBe(total0 + valid.size);
  });

  it.each([
    [1, 1],
    [3, 1],
    [7, 1],
    [5, 4],
  ])('a worker killed after batch %i (written, not checkpointed; %i writers) is resumed: every row once, counts exact', async (n, writers) => {
    const prefix = `jK${n}w${writers}x`;
    const total0 = await db.store.count({});
    const hue0 = await db.store.count({ filter: { name: 'hometown', value: filterValue('Huế')! } });
    const { csv, valid, errors } = roster(prefix, 260);
    const id = await newJob(prefix, csv);
    const deps = { jobs, entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 50, ms: 60_000 }, writers };
    await expect(runImportJob(id, { ...deps, sink: dyingAfter(n), owner: 'w1' })).rejects.toThrow('worker killed');
    expect((await jobs.get(id))!.status).toBe('running');
    // Before the resume the half-written batch is in the table but not in the counters.
    expect(await db.store.count({})).toBeLessThan(total0 + (await stored(prefix)).size + 1);
    const outcome = await runImportJob(id, { ...deps, sink: sink(), owner: 'w2' });
    expect(outcome.kind).toBe('ran');
    const job = (await jobs.get(id))!;
    expect(job).toMatchObject({ status: 'completed_with_errors', created: valid.size, errors, updated: 0 });
    const items = await stored(prefix);
    expect(new Set(items.keys())).toEqual(new Set(valid.keys()));
    expect(await db.store.count({})).toBe(total0 + valid.size);
    const hue = [...items.values()].filter((item) => item.hometown === 'Huế').length;
    expect(hue).toBeGreaterThan(0);
    expect(await db.store.count({ filter: { name: 'hometown', value: filterValue('Huế')! } })).toBe(hue0 + hue);
  });

  it('upsert updates existing rows, moves hometown counters, and a killed upsert resumes exactly', async () => {
    const prefix = 'jU';
    const first = roster(prefix, 60);
    await runImportJob(await newJob(prefix, first.csv), { jobs, sink: sink(), entity: students, bytes: bufferByteSource(first.csv), owner: 'w1' });
    const hanoi0 = await db.store.count({ filter: { name: 'hometown', value: 'hanoi' } });
    const hue0 = await db.store.count({ filter: { name: 'hometown', value: 'huế' } });
    const hueHere = [...first.valid.values()].filter((t) => t === 'Huế').length;
    expect(hueHere).toBeGreaterThan(0);
    const total0 = await db.store.count({});
    // Everyone moves to Hanoi, and ten new students arrive.
    const lines = ['student_id,first_name,last_name,hometown'];
    for (const id of first.valid.keys()) lines.push(`${id},Moved,Person,Hanoi`);
    for (let i = 0; i < 10; i++) lines.push(`${prefix}new${i},New,Person,Hanoi`);
    const csv = Buffer.from(lines.join('\n'));
    const id = await newJob(`${prefix}2`, csv, 'upsert');
    const deps = { jobs, entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 25, ms: 60_000 } };
    await expect(runImportJob(id, { ...deps, sink: dyingAfter(2), owner: 'w1' })).rejects.toThrow('worker killed');
    await runImportJob(id, { ...deps, sink: sink(), owner: 'w2' });
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed', created: 10, updated: first.valid.size });
    expect(await db.store.count({})).toBe(total0 + 10);
    expect(await db.store.count({ filter: { name: 'hometown', value: 'hanoi' } })).toBe(
      hanoi0 + (first.valid.size - [...first.valid.values()].filter((t) => t === 'Hanoi').length) + 10,
    );
    expect(await db.store.count({ filter: { name: 'hometown', value: 'huế' } })).toBe(hue0 - hueHere);
  });

  it('a run out of time checkpoints, gives the lease back and stops; the retry resumes at once and finishes', async () => {
    const total0 = await db.store.count({});
    const { csv, valid } = roster('jT', 100);
    const id = await newJob('jT', csv);
    let calls = 0;
    const deps = { jobs, entity: students, bytes: bufferByteSource(csv), progressEvery: { rows: 1_000, ms: 60_000 } };
    // Plenty of time for two batches, then under the reserve.
    await expect(runImportJob(id, { ...deps, sink: sink(), owner: 'w1', remainingMs: () => (++calls <= 2 ? 600_000 : 1_000) })).rejects.toThrow(/out of time/);
    const paused = (await jobs.get(id))!;
    expect(paused).toMatchObject({ status: 'running', lease_until: 0 });
    expect(paused.checkpoint_row).toBeGreaterThan(1);
    expect(await db.store.count({})).toBe(total0 + paused.created);
    expect((await runImportJob(id, { ...deps, sink: sink(), owner: 'w2' })).kind).toBe('ran');
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed_with_errors', created: valid.size });
    expect(await db.store.count({})).toBe(total0 + valid.size);
  });

  it('keeps writing batches while a checkpoint transaction is in flight, and finishes with every row counted', async () => {
    const total0 = await db.store.count({});
    const { csv, valid } = roster('jG', 300);
    const id = await newJob('jG', csv);
    let inFlight = 0;
    let writesDuringCheckpoint = 0;
    let checkpoints = 0;
    // The real store, each checkpoint held back 150 ms (a slow DynamoDB round trip).
    const slowJobs = Object.assign(Object.create(jobs) as DynamoDbImportJobStore, {
      checkpoint: async (...args: Parameters<DynamoDbImportJobStore['checkpoint']>) => {
        inFlight++;
        checkpoints++;
        await new Promise((resolve) => setTimeout(resolve, 150));
        try {
          return await jobs.checkpoint(...args);
        } finally {
          inFlight--;
        }
      },
    });
    const inner = sink();
    const watching: CheckpointedSink = {
      takeDelta: (row) => inner.takeDelta(row),
      writeBatch: (items, mode, origin) => {
        if (inFlight > 0) writesDuringCheckpoint++;
        return inner.writeBatch(items, mode, origin);
      },
    };
    const outcome = await runImportJob(id, {
      jobs: slowJobs,
      sink: watching,
      entity: students,
      bytes: bufferByteSource(csv),
      owner: 'w1',
      writers: 2,
      progressEvery: { rows: 50, ms: 60_000 },
    });
    expect(outcome.kind).toBe('ran');
    // How many progress checkpoints run depends on speed (one in flight at a time; a fast run
    // finishes its batches inside the first one); that batches went on during one does not.
    expect(checkpoints).toBeGreaterThanOrEqual(1);
    expect(writesDuringCheckpoint).toBeGreaterThan(0);
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed_with_errors', created: valid.size, rows_processed: 300, lease_until: 0 });
    expect(await db.store.count({})).toBe(total0 + valid.size);
  });

  it('a checkpoint that fails while batches are written fails the run and gives the lease back; the retry finishes exactly', async () => {
    const total0 = await db.store.count({});
    const { csv, valid } = roster('jF', 200);
    const id = await newJob('jF', csv);
    let calls = 0;
    const failingJobs = Object.assign(Object.create(jobs) as DynamoDbImportJobStore, {
      checkpoint: async (...args: Parameters<DynamoDbImportJobStore['checkpoint']>) => {
        if (++calls === 2) throw new Error('DynamoDB unavailable');
        return jobs.checkpoint(...args);
      },
    });
    const deps = { entity: students, bytes: bufferByteSource(csv), writers: 2, progressEvery: { rows: 40, ms: 60_000 } };
    await expect(runImportJob(id, { ...deps, jobs: failingJobs, sink: sink(), owner: 'w1' })).rejects.toThrow(/DynamoDB unavailable/);
    expect((await jobs.get(id))!).toMatchObject({ status: 'running', lease_until: 0 });
    expect((await runImportJob(id, { ...deps, jobs, sink: sink(), owner: 'w2' })).kind).toBe('ran');
    expect((await jobs.get(id))!).toMatchObject({ status: 'completed_with_errors', created: valid.size });
    expect(new Set((await stored('jF')).keys())).toEqual(new Set(valid.keys()));
    expect(await db.store.count({})).toBe(total0 + valid.size);
  });

  it('fails a file missing required columns without writing anything', async () => {
    const csv = Buffer.from('student_id,hometown\nX1,Hue\n');
    const id = await newJob('jM', csv);
    await runImportJob(id, { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1' });
    const job = (await jobs.get(id))!;
    expect(job.status).toBe('failed');
    expect(job.message).toMatch(/first_name/);
    expect((await stored('X1')).size).toBe(0);
  });

  it('counts rows, row errors and duration once per finished job, and a failed job as ImportJobsFailed', async () => {
    const metrics = recordingMetrics();
    const { csv, errors } = roster('jX', 50);
    let now = Date.parse('2026-12-03T10:00:00Z');
    const clock = () => new Date((now += 100));
    await runImportJob(await newJob('jX', csv), { jobs, sink: sink(), entity: students, bytes: bufferByteSource(csv), owner: 'w1', clock, metrics });
    const bad = Buffer.from('student_id,hometown\nX2,Hue\n');
    await runImportJob(await newJob('jXbad', bad), { jobs, sink: sink(), entity: students, bytes: bufferByteSource(bad), owner: 'w1', clock, metrics });
    expect(metrics.sum('ImportRowsProcessed')).toBe(50);
    expect(metrics.sum('ImportRowErrors')).toBe(errors);
    expect(metrics.recorded.filter((metric) => metric.name === 'ImportJobDuration').map((metric) => metric.unit)).toEqual(['Milliseconds', 'Milliseconds']);
    expect(metrics.sum('ImportJobDuration')).toBeGreaterThan(0);
    expect(metrics.sum('ImportJobsFailed')).toBe(1);
  });

  it('lists recent jobs newest first with a cursor', async () => {
    const page1 = await jobs.list(2);
    expect(page1.jobs).toHaveLength(2);
    expect(page1.next).toBeDefined();
    const page2 = await jobs.list(2, page1.next);
    expect(page2.jobs[0]!.queued_at <= page1.jobs[1]!.queued_at).toBe(true);
    expect(page2.jobs.map((job) => job.import_id)).not.toContain(page1.jobs[0]!.import_id);
  });
});
