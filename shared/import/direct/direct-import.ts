import { randomBytes } from 'node:crypto';
import type { Entity } from '../../entity/define-entity.js';
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
    queuedJob({ import_id: importId, entity: deps.entity.name, source: { bucket: '', key: file.name, door: 'direct' }, mode, bytes_total: file.bytes.length, now, ...(deps.correlationId ? { correlation_id: deps.correlationId } : {}) }),
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
    if (!(error instanceof ImportInterruptedError)) throw error;
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
  const now = deps.clock?.() ?? new Date();
  const claim = await deps.jobs.claim(importId, deps.owner, 60_000, now);
  const row = claim.kind === 'claimed' ? claim.job.checkpoint_row : 0;
  const message =
    `The file is too big to import within one request: rows 2 to ${row} were processed (job ${importId}), the rest was not. ` +
    'Upload it with POST /api/v1/imports (presigned upload), which has no such limit; in mode=upsert the rows already imported are updated, not duplicated.';
  if (claim.kind === 'claimed') {
    await completeJob({ jobs: deps.jobs, owner: deps.owner, job: claim.job, final: { status: 'failed', message, finished_at: now.toISOString() }, counted: { entity: deps.entity.name, delta: deps.sink.takeDelta() } });
  }
  return new ImportLimitError('rows', message, { import_id: importId, imported_through_row: row, use: 'POST /api/v1/imports' });
}
