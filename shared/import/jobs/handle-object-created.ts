import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { isSafeTraceId } from '../../observability/correlation.js';
import { s3ByteSource } from '../s3/s3-byte-source.js';
import { S3ImportReport } from '../s3/s3-import-report.js';
import { completeJob } from './complete-job.js';
import { type ImportJobSource, jobIdFor, queuedJob } from './import-job.js';
import { decodeS3Key, modeOf, parseImportKey } from './import-object-key.js';
import type { ImportWorkerDeps } from './import-worker-deps.js';
import { type RunJobOutcome, runImportJob } from './run-import-job.js';
import { type FanOutSettings, shouldFanOut } from './fan-out.js';
import { type FanOutOutcome, fanOutImport } from './fan-out-import.js';
import type { ChunkQueue, ImportChunkStore } from './import-chunk.js';

export interface ObjectCreatedDeps extends ImportWorkerDeps {
  log?: (message: string, details?: Record<string, unknown>) => void;
  /** Large CSV files are split into chunks for the import workers; without it every file runs here. */
  fanOut?: { chunks: ImportChunkStore; queue: ChunkQueue; settings: FanOutSettings };
}

export type RecordOutcome = RunJobOutcome | Exclude<FanOutOutcome, { kind: 'single' }> | { kind: 'refused'; key: string; reason: string };

/**
 * One S3 ObjectCreated record → one import job: key decoded and checked, the job created
 * (or found: its id comes from bucket + key + version/ETag, or is the presigned upload's id),
 * then run or resumed under its lease. An unknown entity folder fails the job with
 * "unknown entity".
 */
export async function handleObjectCreated(record: S3EventRecord, deps: ObjectCreatedDeps): Promise<RecordOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const bucket = record.s3.bucket.name;
  const parsed = parseImportKey(decodeS3Key(record.s3.object.key));
  if (parsed.kind === 'refused') {
    deps.log?.('import refused', { bucket, key: parsed.key, reason: parsed.reason });
    return parsed;
  }
  const head = await deps.s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: parsed.key, ...(record.s3.object.versionId ? { VersionId: record.s3.object.versionId } : {}) }),
  );
  const etag = head.ETag ?? (record.s3.object.eTag ? `"${record.s3.object.eTag.replace(/"/g, '')}"` : undefined);
  const size = head.ContentLength ?? record.s3.object.size;
  const source: ImportJobSource = {
    bucket,
    key: parsed.key,
    ...(etag ? { etag } : {}),
    ...(record.s3.object.versionId ? { version_id: record.s3.object.versionId } : {}),
    door: parsed.uploadId ? 'upload' : 's3',
  };
  let jobId = jobIdFor(source);
  if (parsed.uploadId && (await deps.jobs.attachSource(parsed.uploadId, source, size))) jobId = parsed.uploadId;
  const entity = deps.entities.find((candidate) => candidate.name === parsed.entity && candidate.import);
  // A file drop's flow starts with the PUT that stored it: its S3 request id correlates the job's event.
  const putRequestId = record.responseElements?.['x-amz-request-id'];
  await deps.jobs.create(
    queuedJob({
      import_id: jobId,
      entity: parsed.entity,
      source,
      mode: modeOf(parsed.fileName, head.Metadata),
      bytes_total: size,
      now: clock(),
      ...(isSafeTraceId(putRequestId) ? { correlation_id: putRequestId } : {}),
    }),
  );
  if (!entity) {
    const claim = await deps.jobs.claim(jobId, deps.owner, 60_000, clock());
    if (claim.kind === 'claimed') {
      const message = `unknown entity '${parsed.entity}': files go under ${deps.entities
        .filter((e) => e.import)
        .map((e) => `imports/${e.name}/`)
        .join(', ')}`;
      await completeJob({
        jobs: deps.jobs,
        owner: deps.owner,
        job: claim.job,
        final: { status: 'failed', message, finished_at: clock().toISOString() },
        counted: { entity: deps.entities[0]!.name, delta: { total: 0, filters: {} } },
      });
    }
    return { kind: 'ran', job: (await deps.jobs.get(jobId))! };
  }
  const bytes = s3ByteSource(deps.s3, { bucket, key: parsed.key, size, ...(etag ? { etag } : {}) });
  if (deps.fanOut && shouldFanOut(parsed.key, size, deps.fanOut.settings)) {
    const fanned = await fanOutImport(jobId, { jobs: deps.jobs, ...deps.fanOut, entity, bytes, owner: deps.owner, limits: deps.limits, clock });
    if (fanned.kind !== 'single') return fanned;
  }
  return runImportJob(jobId, {
    jobs: deps.jobs,
    sink: deps.sink(entity),
    entity,
    bytes,
    owner: deps.owner,
    clock,
    limits: deps.limits,
    writers: deps.writers ?? 4,
    remainingMs: deps.remainingMs,
    report: new S3ImportReport(deps.s3, bucket, entity.idField, jobId, deps.owner),
  });
}
