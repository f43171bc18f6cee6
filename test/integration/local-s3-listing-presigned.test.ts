import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client, startTestS3, type TestS3 } from '../support/local-s3.js';

/** ListObjectsV2 (pagination, delimiter, raw XML) and presigned URLs used through fetch. */
describe('local S3 listing and presigned URLs', () => {
  let s3: TestS3;
  const keys = [
    ...Array.from({ length: 23 }, (_, index) => `list/flat-${String(index).padStart(2, '0')}.csv`),
    'list/dir-a/one.csv',
    'list/dir-a/two.csv',
    'list/dir-b/three.csv',
    'list/name with space+plus é.csv',
  ];

  beforeAll(async () => {
    s3 = await startTestS3();
    for (const Key of keys) await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: Key }));
  });
  afterAll(() => s3?.stop());

  it('paginates ListObjectsV2 with max-keys and continuation tokens: every key once, in order', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3.client, pageSize: 7 }, { Bucket: s3.bucket, Prefix: 'list/' })) {
      pages += 1;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      expect(page.KeyCount).toBeLessThanOrEqual(7);
      seen.push(...(page.Contents ?? []).map((item) => item.Key!));
    }
    const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(seen).toEqual(sorted);
    expect(pages).toBe(Math.ceil(keys.length / 7));
  });

  it('rolls keys up into common prefixes with a delimiter, across pages too', async () => {
    const first = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }));
    expect(first.CommonPrefixes?.map((item) => item.Prefix)).toEqual(['list/dir-a/', 'list/dir-b/']);
    expect(first.Contents ?? []).toEqual([]);
    expect(first).toMatchObject({ IsTruncated: true, KeyCount: 2 });
    const rest = await s3.client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/', Delimiter: '/', ContinuationToken: first.NextContinuationToken }),
    );
    expect(rest.CommonPrefixes ?? []).toEqual([]);
    expect(rest.Contents?.length).toBe(24);
    expect(rest.IsTruncated).toBe(false);
  });

  it('returns the ListBucketResult document S3 returns (namespace, element names, escaping)', async () => {
    const url = await getSignedUrl(s3.client, new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/name', MaxKeys: 5 }));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    expect(xml).toContain(`<Name>${s3.bucket}</Name><Prefix>list/name</Prefix><KeyCount>1</KeyCount><MaxKeys>5</MaxKeys><IsTruncated>false</IsTruncated>`);
    expect(xml).toMatch(
      /<Contents><Key>list\/name with space\+plus é\.csv<\/Key><LastModified>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/LastModified><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><Size>\d+<\/Size><StorageClass>STANDARD<\/StorageClass><\/Contents>/,
    );
  });

  it('also answers ListObjects (V1) with markers', async () => {
    const first = await s3.client.send(new ListObjectsCommand({ Bucket: s3.bucket, Prefix: 'list/flat-', MaxKeys: 20 }));
    expect(first.Contents?.length).toBe(20);
    expect(first.IsTruncated).toBe(true);
    const rest = await s3.client.send(new ListObjectsCommand({ Bucket: s3.bucket, Prefix: 'list/flat-', Marker: first.Contents!.at(-1)!.Key }));
    expect(rest.Contents?.map((item) => item.Key)).toEqual(['list/flat-20.csv', 'list/flat-21.csv', 'list/flat-22.csv']);
    expect(rest.IsTruncated).toBe(false);
  });

  it('URL-encodes keys in listings when asked (encoding-type=url, as the AWS CLI asks)', async () => {
    const out = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/name', EncodingType: 'url' }));
    // Form encoding like S3 (the CLI decodes it; the SDK v3 leaves it to the caller).
    expect(out.Contents?.map((item) => item.Key)).toEqual(['list/name+with+space%2Bplus+%C3%A9.csv']);
    expect(out.Prefix).toBe('list/name');
    expect(decodeURIComponent(out.Contents![0]!.Key!.replace(/\+/g, ' '))).toBe('list/name with space+plus é.csv');
  });

  it('accepts a presigned PUT and serves a presigned GET through fetch', async () => {
    const Key = 'presigned/roster é.csv';
    const put = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: s3.bucket, Key, ContentType: 'text/csv' }), { expiresIn: 300 });
    const uploaded = await fetch(put, { method: 'PUT', body: 'id\nS1\n', headers: { 'Content-Type': 'text/csv' } });
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const get = await getSignedUrl(
      s3.client,
      new GetObjectCommand({ Bucket: s3.bucket, Key, ResponseContentDisposition: 'attachment; filename="roster.csv"' }),
      { expiresIn: 300 },
    );
    const downloaded = await fetch(get);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-type')).toBe('text/csv');
    expect(downloaded.headers.get('content-disposition')).toBe('attachment; filename="roster.csv"');
    expect(await downloaded.text()).toBe('id\nS1\n');
    const ranged = await fetch(get, { headers: { Range: 'bytes=3-4' } });
    expect([ranged.status, ranged.headers.get('content-range'), await ranged.text()]).toEqual([206, 'bytes 3-4/6', 'S1']);
  });

  it('refuses an expired presigned URL with 403 AccessDenied "Request has expired"', async () => {
    const url = await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: s3.bucket, Key: keys[0] }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>');
    expect(xml).toMatch(/<RequestId>[0-9A-F]+<\/RequestId>/);
  });

  it('refuses a tampered presigned URL, another secret and an unsigned request', async () => {
    const url = new URL(await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: s3.bucket, Key: keys[0] })));
    url.pathname = url.pathname.replace('flat-00', 'flat-01');
    const tampered = await fetch(url);
    expect([tampered.status, (await tampered.text()).match(/<Code>(\w+)<\/Code>/)?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);

    const other = s3Client(s3.current.s3.endpoint, { accessKeyId: 'local', secretAccessKey: 'not-the-secret' });
    const wrongSecret = await other.send(new GetObjectCommand({ Bucket: s3.bucket, Key: keys[0] })).catch((error: S3ServiceException) => error);
    expect((wrongSecret as S3ServiceException).name).toBe('SignatureDoesNotMatch');
    other.destroy();

    const stranger = s3Client(s3.current.s3.endpoint, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' });
    const unknownKey = await stranger.send(new GetObjectCommand({ Bucket: s3.bucket, Key: keys[0] })).catch((error: S3ServiceException) => error);
    expect((unknownKey as S3ServiceException).name).toBe('InvalidAccessKeyId');
    stranger.destroy();

    const anonymous = await fetch(`${s3.current.s3.endpoint}/${s3.bucket}/${keys[0]}`);
    expect([anonymous.status, (await anonymous.text()).includes('<Code>AccessDenied</Code>')]).toEqual([403, true]);
  });

  it('refuses an unsigned upload that expects 100-continue before its body is sent', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${s3.current.s3.endpoint}/${s3.bucket}/imports/students/unsigned.csv`);
    const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(url, { method: 'PUT', headers: { Expect: '100-continue', 'Content-Length': 5 } });
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('response', (response) => {
        response.resume();
        resolve({ status: response.statusCode!, continued });
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(outcome).toEqual({ status: 403, continued: false });
  });

  it('answers missing keys with the S3 error document', async () => {
    const url = await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: s3.bucket, Key: 'list/absent.csv' }));
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>list\/absent.csv<\/Key><RequestId>/,
    );
  });

  it('deletes many keys at once (DeleteObjects)', async () => {
    const out = await s3.client.send(
      new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: [{ Key: 'list/dir-a/one.csv' }, { Key: 'list/dir-a/two.csv' }] } }),
    );
    expect(out.Deleted?.map((item) => item.Key)).toEqual(['list/dir-a/one.csv', 'list/dir-a/two.csv']);
    const left = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/dir-a/' }));
    expect(left.KeyCount).toBe(0);
  });
});
