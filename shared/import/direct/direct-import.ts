import { randomBytes } from 'node:crypto';
import type { Entity } from '../../entity/define-entity.js';
import { bufferByteSource } from '../byte-source.js';
import type { ImportMode } from '../import-sink.js';
import type { ImportRowDetail } from '../import-summary.js';
import { type ImportJobStore, queuedJob } from '../jobs/import-job.js';
import { type CheckpointedSink, runImportJob } from '../jobs/run-import-job.js';
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
    queuedJob({ import_id: importId, entity: deps.entity.name, source: { bucket: '', key: file.name, door: 'direct' }, mode, bytes_total: file.bytes.length, now }),
  );
  const outcome = await runImportJob(importId, {
    jobs: deps.jobs,
    sink: deps.sink,
    entity: deps.entity,
    bytes: bufferByteSource(file.bytes),
    owner: deps.owner,
    clock: deps.clock,
    limits: { maxBytes: DIRECT_UPLOAD_MAX_BYTES },
    writers: deps.writers ?? 4,
  });
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
