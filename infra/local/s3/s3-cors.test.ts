import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from './local-s3.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const CONSOLE = 'http://127.0.0.1:3000';
let dir: string;
let s3: LocalS3;
let plain: LocalS3;
let client: S3Client;
let origins: string[] = [CONSOLE];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 's3-cors-'));
  s3 = await startLocalS3({ dataDir: path.join(dir, 'a'), buckets: ['cors-bucket'], credentials, cors: { origins: () => origins } });
  plain = await startLocalS3({ dataDir: path.join(dir, 'b'), buckets: ['cors-bucket'], credentials });
  client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await plain?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a browser sends before a cross-origin PUT with a content type. */
const preflight = (endpoint: string, origin: string, method = 'PUT') =>
  fetch(`${endpoint}/cors-bucket/imports/students/roster.csv`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
  });

describe('local S3 CORS (the console uploads and downloads from the browser)', () => {
  it('answers an unsigned preflight from an allowed origin with the methods and requested headers', async () => {
    const res = await preflight(s3.endpoint, CONSOLE);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('refuses a preflight from another origin, for another method, or when no rule is configured (403 AccessForbidden)', async () => {
    for (const res of [
      await preflight(s3.endpoint, 'https://evil.example'),
      await preflight(s3.endpoint, CONSOLE, 'DELETE'),
      await preflight(plain.endpoint, CONSOLE),
    ]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(await res.text()).toContain('<Code>AccessForbidden</Code>');
    }
  });

  it('lets the allowed origin read a presigned PUT and GET answer (ETag, Content-Disposition exposed); others get no CORS headers', async () => {
    const put = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'cors-bucket', Key: 'imports/students/roster.csv' }), { expiresIn: 60 });
    const res = await fetch(put, { method: 'PUT', headers: { origin: CONSOLE, 'content-type': 'text/csv' }, body: 'student_id\nA1\n' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    const get = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: 'cors-bucket', Key: 'imports/students/roster.csv', ResponseContentDisposition: 'attachment; filename="r.csv"' }),
      { expiresIn: 60 },
    );
    const read = await fetch(get, { headers: { origin: CONSOLE } });
    expect(await read.text()).toBe('student_id\nA1\n');
    expect(read.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(read.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
    const foreign = await fetch(get, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(200); // S3 answers; the browser hides it from that page
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still requires the signature: CORS opens the browser, not the bucket', async () => {
    const res = await fetch(`${s3.endpoint}/cors-bucket/imports/students/roster.csv`, { headers: { origin: CONSOLE } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE); // so the page can read why
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('reads the allowed origins per request (the console origin is known once the gateway listens)', async () => {
    origins = [CONSOLE, 'http://127.0.0.1:4000'];
    expect((await preflight(s3.endpoint, 'http://127.0.0.1:4000')).status).toBe(200);
    origins = [CONSOLE];
    expect((await preflight(s3.endpoint, 'http://127.0.0.1:4000')).status).toBe(403);
  });
});
