import { PassThrough } from 'node:stream';
import type { S3ClientLoader } from '../../import/s3/s3-client.js';
import { presignedUrl } from '../../import/s3/presigned-url.js';
import type { LargeExportStore, LargeExportUpload } from '../large-export-store.js';

/** Multipart part size: S3's minimum, so at most ~5 MB × queueSize sits in memory. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * S3 adapter of the large-export port: a multipart upload (lib-storage `Upload`) fed from a
 * PassThrough, so memory holds a few parts however large the export grows; download links
 * are presigned GETs that name the file (`Content-Disposition: attachment`). The S3 client
 * and lib-storage (~110 ms of CPU to import together) load with the first export that spills;
 * until then the PassThrough holds what is written (up to its high-water mark).
 */
export class S3LargeExportStore implements LargeExportStore {
  constructor(
    private readonly client: S3ClientLoader,
    private readonly bucket: string,
  ) {}

  open(key: string, contentType: string): LargeExportUpload {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = Promise.all([this.client(), import('@aws-sdk/lib-storage')]).then(
      ([client, { Upload }]) =>
        new Upload({
          client,
          params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
          partSize: PART_BYTES,
          queueSize: PARTS_IN_FLIGHT,
          leavePartsOnError: false,
        }),
    );
    const done = upload.then((started) => started.done()).then(() => undefined);
    // Observed by the sink; keep an early failure from being reported as unhandled.
    done.catch(() => undefined);
    return {
      stream: body,
      done,
      abort: async () => {
        body.destroy();
        await (await upload).abort();
      },
    };
  }

  async downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string> {
    const object = { Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${filename}"` };
    return presignedUrl(await this.client(), 'GET', object, expiresInSeconds);
  }
}
