import { randomBytes } from 'node:crypto';
import type { Entity } from '../../entity/define-entity.js';
import { BadRequestError } from '../../errors/app-error.js';
import { formatOf } from '../import-format.js';
import type { ImportMode } from '../import-sink.js';
import { importTrigger } from '../import-trigger.js';
import { presignedUrl } from '../s3/presigned-url.js';
import type { S3ClientLoader } from '../s3/s3-client.js';
import { type ImportJobStore, queuedJob } from './import-job.js';
import { UPLOADS_FOLDER } from './import-object-key.js';

export interface UploadRequest {
  entity: string;
  filename: string;
  mode?: ImportMode;
}

export interface UploadTicket {
  import_id: string;
  upload_url: string;
  method: 'PUT';
  expires_at: string;
}

/**
 * Door 2: a queued job and a presigned PUT for `imports/{entity}/uploads/{import_id}/{file}`.
 * When the object lands, the S3 door finds this job by the id in its key and runs it.
 */
export async function createUpload(
  deps: {
    jobs: ImportJobStore;
    s3: S3ClientLoader;
    bucket: string;
    entities: readonly Entity[];
    clock?: () => Date;
    expiresInSeconds?: number;
    correlationId?: string;
  },
  request: UploadRequest,
): Promise<UploadTicket> {
  const now = deps.clock?.() ?? new Date();
  const entity = deps.entities.find((candidate) => candidate.name === request.entity && candidate.import);
  if (!entity) {
    throw new BadRequestError(
      'import.unknownEntity',
      `unknown entity '${request.entity}'; importable: ${deps.entities
        .filter((e) => e.import)
        .map((e) => e.name)
        .join(', ')}`,
      { entity: request.entity },
    );
  }
  const filename = request.filename.trim();
  if (!/^[^/\\]{1,200}$/.test(filename) || filename.includes('..') || !formatOf(filename)) {
    throw new BadRequestError('import.badFilename', 'filename must be a plain .csv or .xlsx file name (no folders, at most 200 characters)', {
      filename: request.filename,
    });
  }
  const importId = `imp_${randomBytes(18).toString('base64url')}`;
  const key = `${importTrigger.prefix}${entity.name}/${UPLOADS_FOLDER}/${importId}/${filename}`;
  const expiresIn = deps.expiresInSeconds ?? 900;
  await deps.jobs.create(
    queuedJob({
      import_id: importId,
      entity: entity.name,
      source: { bucket: deps.bucket, key, door: 'upload' },
      mode: request.mode ?? 'create',
      bytes_total: null,
      now,
      ...(deps.correlationId ? { correlation_id: deps.correlationId } : {}),
    }),
  );
  const upload_url = await presignedUrl(await deps.s3(), 'PUT', { Bucket: deps.bucket, Key: key }, expiresIn);
  return { import_id: importId, upload_url, method: 'PUT', expires_at: new Date(now.getTime() + expiresIn * 1000).toISOString() };
}
