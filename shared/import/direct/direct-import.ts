import { randomBytes } from 'node:crypto';
import type { Entity } from '../../entity/define-entity.js';
import { fullJitter } from '../../resilience/full-jitter.js';
import { bufferByteSource } from '../byte-source.js';
import type { ImportMode } from '../import-sink.js';
import type { ImportRowDetail } from '../import-summary.js';
import { completeJob } from '../jobs/complete-job.js';
import { type ImportJobStore, queuedJob } from '../jobs/import-job.js';
import { ImportLimitError } from '../import.errors.js';
import { type CheckpointedSink, ImportInterruptedError, type RunJobOutcome, runImportJob } from '../jobs/run-import-job.js';
import { DIRECT_UPLOAD_MAX_BYTES, type UploadedFile } from './upload-body.js';

/** The original API's answer to `POST /api/v1/students/bulk-import`. */
export interface DirectImportResult {
  import_id: string;
  total_rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  error_details: ImportRowDetail[];
}

export interface DirectImportDeps {
  jobs: ImportJobStore;
  sink: CheckpointedSink;
  entity: Entity;
  /** Who runs it (the request id): the job's lease holder. */
  owner: string;
  clock?: () => Date;
  writers?: number;
  /** Time left to answer (the request budget); below `reserveMs` the import stops at a checkpoint. */
  remainingMs?: () => number;
  reserveMs?: number;
  /** The request's correlation id, carried into the job's import.completed event. */
  correlationId?: string;
}

/**
 * Door 3: the uploaded file (already ≤ 5 MB) runs synchronously as an import job — the same
 * pipeline, sink and checkpoints as the S3 door, recorded in the jobs table so
 * `GET /api/v1/imports/{id}` shows it. A file problem (missing columns, wrong format, …) is
 * thrown as its 4xx once the job is recorded `failed`; nothing of the file is written then.
 */
export async function directImport(deps: DirectImportDeps, file: UploadedFile, mode: ImportMode): Promise<DirectImportResult> {
  const now = deps.clock?.() ?? new Date();
  const importId = `imp_${randomBytes(18).toString('base64url')}`;
  await deps.jobs.create(
    queuedJob({
      import_id: importId,
      entity: deps.entity.name,
      source: { bucket: '', key: file.name, door: 'direct' },
      mode,
      bytes_total: file.bytes.length,
      now,
      ...(deps.correlationId ? { correlation_id: deps.correlationId } : {}),
    }),
  );
  let outcome: RunJobOutcome;
  try {
    outcome = await runImportJob(importId, {
      jobs: deps.jobs,
      sink: deps.sink,
      entity: deps.entity,
      bytes: bufferByteSource(file.bytes),
      owner: deps.owner,
      clock: deps.clock,
      limits: { maxBytes: DIRECT_UPLOAD_MAX_BYTES },
      writers: deps.writers ?? 4,
      ...(deps.remainingMs ? { remainingMs: deps.remainingMs, reserveMs: deps.reserveMs ?? 2_000 } : {}),
      // Progress is only read after the answer: checkpoint at the end (or when out of time).
      progressEvery: { rows: Number.MAX_SAFE_INTEGER, ms: Number.MAX_SAFE_INTEGER },
    });
  } catch (error) {
    if (!(error instanceof ImportInterruptedError)) {
      // Nobody resumes a direct job (its bytes leave with the request): count what was written now.
      await closeFailed(
        deps,
        importId,
        () => 'The import stopped because a dependency was unavailable; the rows written before that are kept. Send the file again with mode=upsert.',
      ).catch(() => undefined);
      throw error;
    }
    throw await outOfTime(deps, importId);
  }
  if (outcome.kind !== 'ran') throw new Error(`import ${importId}: the new job was ${outcome.reason}`);
  if (outcome.error) throw outcome.error;
  const summary = outcome.summary!;
  return {
    import_id: importId,
    total_rows: summary.total_rows,
    created: summary.created,
    updated: summary.updated,
    skipped: summary.skipped,
    errors: summary.errors,
    error_details: summary.error_details,
  };
}

/**
 * The file could not be imported within the request: the job (checkpointed at its last batch)
 * is closed as failed, counting what was written, and the caller is sent to the presigned upload.
 */
async function outOfTime(deps: DirectImportDeps, importId: string): Promise<ImportLimitError> {
  let row = 0;
  const message = (through: number) =>
    `The file is too big to import within one request: rows 2 to ${(row = through)} were processed (job ${importId}), the rest was not. ` +
    'Upload it with POST /api/v1/imports (presigned upload), which has no such limit; in mode=upsert the rows already imported are updated, not duplicated.';
  const text = (await closeFailed(deps, importId, message)) ?? message(0);
  return new ImportLimitError('rows', text, { import_id: importId, imported_through_row: row, use: 'POST /api/v1/imports' });
}

/** Retries of the closing transaction wait up to 50, 100, 200 … ms (full jitter), capped at 1 s. */
const CLOSE_BACKOFF = { baseMs: 50, capMs: 1_000 };
/** Time kept back from the budget to answer after the last closing attempt. */
const CLOSE_RESERVE_MS = 300;
const CLOSE_ATTEMPTS = 8;

/**
 * Closes a stopped direct job as `failed` in one transaction with the counter delta of every
 * batch already written (the sink holds it until a checkpoint takes it). A direct job is never
 * resumed — a re-send is a new job that sees those rows as existing ("updated", not counted) —
 * so this is the last chance to count them. Retried with full jitter while the request budget
 * lasts: the failure that stopped the import (throttling) is usually transient. A process killed
 * before this lands (or a dependency down for the whole budget) leaves those rows uncounted
 * until `npm run counters:repair`.
 */
async function closeFailed(deps: DirectImportDeps, importId: string, message: (checkpointRow: number) => string): Promise<string | undefined> {
  const delta = deps.sink.takeDelta();
  for (let attempt = 1; ; attempt++) {
    try {
      const now = deps.clock?.() ?? new Date();
      const claim = await deps.jobs.claim(importId, deps.owner, 60_000, now);
      // 'busy' under our own name: the run's lease release failed; the job is still ours to close.
      const ours = claim.kind === 'claimed' || (claim.kind === 'busy' && claim.job.lease_owner === deps.owner);
      if (!ours) return undefined;
      const text = message(claim.job.checkpoint_row);
      // completeJob: the final state, the counted delta and import.completed in one transaction.
      await completeJob({
        jobs: deps.jobs,
        owner: deps.owner,
        job: claim.job,
        final: { status: 'failed', message: text, finished_at: now.toISOString() },
        counted: { entity: deps.entity.name, delta },
      });
      return text;
    } catch (error) {
      const left = deps.remainingMs?.() ?? Number.POSITIVE_INFINITY;
      if (attempt >= CLOSE_ATTEMPTS || left < CLOSE_RESERVE_MS + CLOSE_BACKOFF.capMs) throw error;
      await fullJitter(attempt, CLOSE_BACKOFF);
    }
  }
}
