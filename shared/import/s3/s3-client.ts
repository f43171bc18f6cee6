import { S3Client } from '@aws-sdk/client-s3';

/**
 * One S3 client per container. `AWS_ENDPOINT_URL_S3` (read by the SDK itself) points at the
 * local endpoint, which is path-style only.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ ...(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}) });
}
