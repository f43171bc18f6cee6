import { PassThrough } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LargeExportStore, LargeExportUpload } from '../large-export-store.js';

/** Multipart part size: S3's minimum, so at most ~5 MB × queueSize sits in memory. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * S3 adapter of the large-export port: a multipart upload (lib-storage `Upload`) fed from a
 * PassThrough, so memory holds a few parts however large the export grows; download links
 * are presigned GETs that name the file (`Content-Disposition: attachment`).
 */
export class S3LargeExportStore implements LargeExportStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  open(key: string, contentType: string): LargeExportUpload {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const done = upload.done().then(() => undefined);
    // Observed by the sink; keep an early failure from being reported as unhandled.
    done.catch(() => undefined);
    return {
      stream: body,
      done,
      abort: async () => {
        body.destroy();
        await upload.abort();
      },
    };
  }

  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${filename}"`,
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }
}
