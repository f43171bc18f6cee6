import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '../support/local-s3.js';

/**
 * The local S3 endpoint against the real SDK v3 client with its default checksum settings
 * (streamed bodies go aws-chunked with a CRC32 trailer, responses are validated).
 */
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('local S3 endpoint with the SDK v3 client', () => {
  let s3: TestS3;
  const headersSent: Record<string, string>[] = [];

  beforeAll(async () => {
    s3 = await startTestS3();
    s3.client.middlewareStack.add(
      (next) => async (args) => {
        headersSent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' },
    );
  });
  afterAll(() => s3?.stop());

  const body = (key: string) =>
    s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key })).then(async (out) => Buffer.from(await out.Body!.transformToByteArray()));

  it('creates the imports bucket at start', async () => {
    const out = await s3.client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect((await failure(s3.client.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('serves a client configured only by AWS_ENDPOINT_URL_S3, as the functions are', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.current.s3.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
    });
    const plain = new S3Client({});
    try {
      // An IP endpoint makes the SDK choose path-style by itself: no forcePathStyle in handlers.
      await plain.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'env/plain.txt', Body: 'plain' }));
      expect((await body('env/plain.txt')).toString()).toBe('plain');
    } finally {
      plain.destroy();
      process.env = saved;
    }
  });

  it('stores a PutObject body with the quoted MD5 as ETag, and its headers and metadata', async () => {
    const data = Buffer.from('student_id,name\nS1,Nguyễn Thị Hằng\n');
    const put = await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'a/roster.csv', Body: data, ContentType: 'text/csv', Metadata: { source: 'test' } }),
    );
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'a/roster.csv' }));
    expect(head).toMatchObject({ ContentLength: data.length, ContentType: 'text/csv', ETag: `"${md5(data)}"`, Metadata: { source: 'test' } });
    expect(await body('a/roster.csv')).toEqual(data);
  });

  it('decodes a streamed aws-chunked upload byte for byte and verifies its CRC32 trailer', async () => {
    const data = randomBytes(1024 * 1024 + 17);
    const chunks = [data.subarray(0, 1000), data.subarray(1000, 700_000), data.subarray(700_000)];
    headersSent.length = 0;
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'a/stream.bin', Body: Readable.from(chunks), ContentLength: data.length }));
    const sent = headersSent.at(-1)!;
    expect(sent['x-amz-content-sha256']).toMatch(/^STREAMING-/);
    expect(sent['content-encoding']).toContain('aws-chunked');
    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a/stream.bin', ChecksumMode: 'ENABLED' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(sha256(bytes)).toBe(sha256(data));
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(data) >>> 0);
    expect(got.ChecksumCRC32).toBe(expected.toString('base64'));
    expect(got.ContentEncoding).toBeUndefined();
  });

  it('refuses a body whose declared checksum does not match (BadDigest), keeping the old object', async () => {
    const error = await failure(s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'a/roster.csv', Body: 'tampered', ChecksumCRC32: 'AAAAAA==' })));
    expect(error.name).toBe('BadDigest');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect((await body('a/roster.csv')).toString()).toContain('Nguyễn');
  });

  it('uploads with lib-storage Upload in 5 MiB parts: S3 multipart ETag and identical bytes', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 3);
    const partSize = 5 * 1024 * 1024;
    const source = Readable.from(
      (function* () {
        for (let offset = 0; offset < data.length; offset += 256 * 1024) yield data.subarray(offset, offset + 256 * 1024);
      })(),
    );
    const out = await new Upload({ client: s3.client, params: { Bucket: s3.bucket, Key: 'big/file.bin', Body: source }, partSize, queueSize: 2 }).done();
    const parts = [0, 1, 2].map((index) => Buffer.from(md5(data.subarray(index * partSize, (index + 1) * partSize)), 'hex'));
    expect(out.ETag).toBe(`"${md5(Buffer.concat(parts))}-3"`);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'big/file.bin' }));
    expect(head.ContentLength).toBe(data.length);
    expect(sha256(await body('big/file.bin'))).toBe(sha256(data));
  });

  it('checks multipart completion as S3 does: small parts, unknown parts, aborted uploads', async () => {
    const key = 'big/errors.bin';
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    const part = (PartNumber: number, Body: Buffer) => s3.client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber, Body }));
    const first = await part(1, Buffer.from('tiny'));
    const second = await part(2, Buffer.from('last'));
    const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
      s3.client.send(new CompleteMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId, MultipartUpload: { Parts } }));
    expect(
      (
        await failure(
          complete([
            { PartNumber: 1, ETag: first.ETag! },
            { PartNumber: 2, ETag: second.ETag! },
          ]),
        )
      ).name,
    ).toBe('EntityTooSmall');
    expect((await failure(complete([{ PartNumber: 1, ETag: '"0123"' }]))).name).toBe('InvalidPart');
    expect(
      (
        await failure(
          complete([
            { PartNumber: 2, ETag: second.ETag! },
            { PartNumber: 1, ETag: first.ETag! },
          ]),
        )
      ).name,
    ).toBe('InvalidPartOrder');
    // A single (last) part may be small.
    const done = await complete([{ PartNumber: 2, ETag: second.ETag! }]);
    expect(done.ETag).toBe(`"${md5(Buffer.from(md5(Buffer.from('last')), 'hex'))}-1"`);
    expect((await body(key)).toString()).toBe('last');

    const aborted = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId: aborted.UploadId }));
    const afterAbort = await failure(
      s3.client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId: aborted.UploadId, PartNumber: 1, Body: 'x' })),
    );
    expect(afterAbort.name).toBe('NoSuchUpload');
  });

  it('serves byte ranges with 206 and Content-Range, and refuses a range past the end', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'r/range.txt', Body: data }));
    const range = async (Range: string) => {
      const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'r/range.txt', Range }));
      return { status: out.$metadata.httpStatusCode, contentRange: out.ContentRange, length: out.ContentLength, text: await out.Body!.transformToString() };
    };
    expect(await range('bytes=5-9')).toEqual({ status: 206, contentRange: 'bytes 5-9/20', length: 5, text: '56789' });
    expect(await range('bytes=15-')).toEqual({ status: 206, contentRange: 'bytes 15-19/20', length: 5, text: 'fghij' });
    expect(await range('bytes=-3')).toEqual({ status: 206, contentRange: 'bytes 17-19/20', length: 3, text: 'hij' });
    expect(await range('bytes=18-100')).toMatchObject({ status: 206, contentRange: 'bytes 18-19/20', text: 'ij' });
    const error = await failure(range('bytes=20-'));
    expect(error.name).toBe('InvalidRange');
    expect(error.$metadata.httpStatusCode).toBe(416);
  });

  it('honours If-None-Match / If-Match on reads and conditional creates on writes', async () => {
    const put = await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'c/cond.txt', Body: 'v1' }));
    const notModified = await failure(s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'c/cond.txt', IfNoneMatch: put.ETag })));
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    const changed = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'c/cond.txt', IfNoneMatch: '"other"' }));
    expect(await changed.Body!.transformToString()).toBe('v1');
    expect((await failure(s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'c/cond.txt', IfMatch: '"other"' })))).name).toBe('PreconditionFailed');
    expect(
      (await failure(s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'c/cond.txt', Body: 'v2', IfNoneMatch: '*' })))).$metadata.httpStatusCode,
    ).toBe(412);
    expect((await body('c/cond.txt')).toString()).toBe('v1');
  });

  it('answers NoSuchKey / NoSuchBucket, deletes idempotently and copies objects', async () => {
    const missing = await failure(s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'nothing/here' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    const noBucket = await failure(s3.client.send(new GetObjectCommand({ Bucket: 'missing-bucket', Key: 'x' })));
    expect([noBucket.name, noBucket.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);

    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'd/source.txt', Body: 'copy me', ContentType: 'text/plain' }));
    const copy = await s3.client.send(
      new CopyObjectCommand({ Bucket: s3.bucket, Key: 'd/copy é.txt', CopySource: `${s3.bucket}/${encodeURIComponent('d/source.txt')}` }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5(Buffer.from('copy me'))}"`);
    expect((await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'd/copy é.txt' }))).ContentType).toBe('text/plain');

    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'd/source.txt' }));
    expect((await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'd/source.txt' }))).$metadata.httpStatusCode).toBe(204);
    expect((await failure(s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'd/source.txt' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('keeps objects and unfinished multipart uploads across a restart, and sweeps crash leftovers', async () => {
    const data = Buffer.from('persisted ✓');
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'p/kept.txt', Body: data }));
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: 'p/multi.txt' }));
    const part = await s3.client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: 'p/multi.txt', UploadId, PartNumber: 1, Body: 'resumed' }));
    // What a crash mid-upload leaves: a half-written temp file and bytes no key points to.
    writeFileSync(path.join(s3.dir, s3.bucket, 'tmp', 'half-upload'), 'partial');
    writeFileSync(path.join(s3.dir, s3.bucket, 'data', 'orphan'), 'orphan');
    await s3.restart();
    expect(await body('p/kept.txt')).toEqual(data);
    expect(readdirSync(path.join(s3.dir, s3.bucket, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(s3.dir, s3.bucket, 'data'))).not.toContain('orphan');
    await s3.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: 'p/multi.txt',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }),
    );
    expect((await body('p/multi.txt')).toString()).toBe('resumed');
  });
});
