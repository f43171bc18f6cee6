import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../../powertools/tracer.js';
import type { LargeExportStore } from '../large-export-store.js';
import { S3LargeExportStore } from './s3-large-export-store.js';

let built: { store: LargeExportStore | undefined } | undefined;

/**
 * The container's large-export store: S3 when `EXPORTS_BUCKET` is set (endpoint from
 * `AWS_ENDPOINT_URL_S3` locally, path-style there), else none — exports past the inline
 * limit then answer 413.
 */
export function largeExportStoreFromEnv(env: NodeJS.ProcessEnv = process.env): LargeExportStore | undefined {
  if (!built) {
    const bucket = env.EXPORTS_BUCKET;
    const local = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
    const client = bucket
      ? new S3Client({
          forcePathStyle: local,
          // Local S3 emulators mishandle the SDK's default streaming checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        })
      : undefined;
    built = { store: client && bucket ? new S3LargeExportStore(tracer.captureAWSv3Client(client), bucket) : undefined };
  }
  return built.store;
}
