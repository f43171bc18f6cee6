import { lazyS3Client } from '../../import/s3/s3-client.js';
import type { LargeExportStore } from '../large-export-store.js';
import { S3LargeExportStore } from './s3-large-export-store.js';

let built: { store: LargeExportStore | undefined } | undefined;

/**
 * The container's large-export store: S3 when `EXPORTS_BUCKET` is set (endpoint from
 * `AWS_ENDPOINT_URL_S3` locally, path-style there), else none — exports past the inline
 * limit then answer 413. Its S3 client (and SDK) is loaded by the first export that spills.
 */
export function largeExportStoreFromEnv(env: NodeJS.ProcessEnv = process.env): LargeExportStore | undefined {
  if (!built) {
    const bucket = env.EXPORTS_BUCKET;
    const local = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
    const client = lazyS3Client(env, {
      forcePathStyle: local,
      // Local S3 emulators mishandle the SDK's default streaming checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    built = { store: bucket ? new S3LargeExportStore(client, bucket) : undefined };
  }
  return built.store;
}
