import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { tracer } from '../../powertools/tracer.js';

/** The container's S3 client, built (and its SDK imported) by the first call. */
export type S3ClientLoader = () => Promise<S3Client>;

/**
 * One S3 client per container, captured by the tracer (when tracing is on), whose SDK is
 * imported by the first call: `@aws-sdk/client-s3` costs ~68 ms of CPU to import, which the
 * functions that reach S3 on some requests only (import jobs, large exports, a direct import
 * never) would otherwise pay at every cold start. Without `config`, the imports bucket's:
 * `AWS_ENDPOINT_URL_S3` (read by the SDK itself) points at the local endpoint, path-style only.
 */
export function lazyS3Client(env: NodeJS.ProcessEnv = process.env, config?: S3ClientConfig): S3ClientLoader {
  let client: Promise<S3Client> | undefined;
  const load = async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    return tracer.captureAWSv3Client(new S3Client(config ?? (env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {})));
  };
  return () => (client ??= load());
}
