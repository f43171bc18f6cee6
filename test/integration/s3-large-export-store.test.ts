import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3LargeExportStore } from '../../shared/export/s3/s3-large-export-store.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';

let s3: TestS3;
let loads = 0;
let store: S3LargeExportStore;

beforeAll(async () => {
  s3 = await startTestS3();
  store = new S3LargeExportStore(async () => {
    loads++;
    return s3.client;
  }, s3.bucket);
}, 60_000);
afterAll(async () => {
  await s3?.stop();
});

/** `megabytes` lines of 1 MB each, numbered so that order and completeness show in the object. */
function lines(megabytes: number): Buffer[] {
  return Array.from({ length: megabytes }, (_, n) => Buffer.from(`${String(n).padStart(8, '0')},${'x'.repeat(1024 * 1024 - 10)}\n`));
}

describe('S3LargeExportStore (local S3; the S3 client and lib-storage load with the first export)', () => {
  it('streams an export larger than one part into one object, then presigns a download of it', async () => {
    const body = lines(7);
    const upload = store.open('exports/students/big.csv', 'text/csv; charset=utf-8');
    await pipeline(Readable.from(body), upload.stream);
    await upload.done;
    const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'exports/students/big.csv' }));
    expect(out.ContentType).toBe('text/csv; charset=utf-8');
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(Buffer.concat(body))).toBe(true);

    const url = await store.downloadUrl('exports/students/big.csv', 'students-20260101.csv', 600);
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe('attachment; filename="students-20260101.csv"');
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Number((await download.arrayBuffer()).byteLength)).toBe(Buffer.concat(body).length);
    expect(loads).toBeGreaterThanOrEqual(2); // asked for by each use; lazyS3Client builds it once
  });

  it('leaves no object behind when the export is aborted', async () => {
    const upload = store.open('exports/students/aborted.csv', 'text/csv');
    upload.stream.write(lines(1)[0]);
    await upload.abort();
    await expect(upload.done).rejects.toBeDefined();
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'exports/students/aborted.csv' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});
