import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { ByteSource } from '../byte-source.js';

/**
 * An S3 object as a byte source: every open is a streamed GetObject (with Range for chunks),
 * pinned to the ETag the job started with so the content cannot change under a resumed job.
 */
export function s3ByteSource(client: S3Client, object: { bucket: string; key: string; size: number; etag?: string }): ByteSource {
  return {
    size: object.size,
    async open(range) {
      const out = await client.send(
        new GetObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          ...(object.etag ? { IfMatch: object.etag } : {}),
          ...(range ? { Range: `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}` } : {}),
        }),
      );
      if (!out.Body) throw new Error(`s3://${object.bucket}/${object.key}: empty body`);
      return out.Body as Readable;
    },
  };
}
