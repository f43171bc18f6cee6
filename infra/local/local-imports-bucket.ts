import type { S3Event } from 'aws-lambda';
import { importTrigger, importTriggerFilters } from '../../shared/import/import-trigger.js';
import { LOCAL_AWS_ENV } from './dynamodb-local.js';
import { type LocalS3, startLocalS3 } from './s3/local-s3.js';
import type { LocalS3Cors } from './s3/s3-cors.js';

/** `S3_PORT` when set; the local S3 endpoint's usual port otherwise. */
export const DEFAULT_S3_PORT = 4569;

export interface LocalImportsBucketOptions {
  dataDir: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Receives each S3 event the import trigger's filters select. */
  deliver: (event: S3Event) => unknown;
  log?: (line: string) => void;
  /** Origins whose pages may upload (presigned PUT) and download (presigned GET) from a browser: the web console. */
  corsOrigins?: () => readonly string[];
}

export interface LocalImportsBucket {
  s3: LocalS3;
  bucket: string;
  /** What functions and CLI clients need to reach it (`AWS_ENDPOINT_URL_S3`, the bucket name). */
  env: Record<string, string>;
}

/**
 * The local S3 endpoint with the imports bucket, its notifications configured from the same
 * declaration CDK reads (one per prefix/suffix filter, like S3).
 */
export async function startLocalImportsBucket(options: LocalImportsBucketOptions): Promise<LocalImportsBucket> {
  const bucket = importTrigger.localBucketName;
  const s3 = await startLocalS3({
    dataDir: options.dataDir,
    port: options.port,
    buckets: [bucket],
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    region: LOCAL_AWS_ENV.AWS_REGION,
    ...(options.log ? { log: options.log } : {}),
    ...(options.corsOrigins ? { cors: { origins: options.corsOrigins } satisfies LocalS3Cors } : {}),
  });
  for (const filter of importTriggerFilters()) {
    s3.addNotification({ id: filter.id, bucket, events: importTrigger.events, prefix: filter.prefix, suffix: filter.suffix, deliver: options.deliver });
  }
  // Large exports stream to the same bucket under exports/ (as the stack's imports bucket does).
  return { s3, bucket, env: { AWS_ENDPOINT_URL_S3: s3.endpoint, [importTrigger.bucketEnv]: bucket, EXPORTS_BUCKET: bucket } };
}
