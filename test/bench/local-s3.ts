import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startLocalS3 } from '../../infra/local/s3/local-s3.js';
import type { BenchOutcome, Check } from './bench-report.js';

const MB = 1024 * 1024;
const SIZE = 256 * MB;

/** A 256 MB body produced on the fly from one 1 MB block (nothing held whole). */
function body(): Readable {
  const block = Buffer.alloc(MB, 'student_id,name\nS1,Lê Thị Ánh\n');
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < SIZE; sent += MB) yield block;
    })(),
  );
}

/**
 * Local S3 throughput and memory with the SDK v3 defaults: a streamed PutObject (aws-chunked +
 * CRC32), a lib-storage multipart upload and a streamed GetObject of 256 MB each, with the peak
 * RSS of the process (endpoint and client together) — which must not grow with the object.
 */
export async function runLocalS3Bench(): Promise<BenchOutcome> {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-s3-bench-'));
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const s3 = await startLocalS3({ dataDir: dir, buckets: ['bench'], credentials });
  const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return SIZE / MB / ((performance.now() - started) / 1000);
  };
  try {
    const put = await timed(() => client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'put.bin', Body: body(), ContentLength: SIZE })));
    const multipart = await timed(() =>
      new Upload({ client, params: { Bucket: 'bench', Key: 'multipart.bin', Body: body() }, partSize: 8 * MB, queueSize: 4 }).done(),
    );
    const get = await timed(async () => {
      const out = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: 'put.bin' }));
      for await (const _chunk of out.Body as Readable);
    });
    const rssMb = peak / MB;
    const checks: Check[] = [
      { name: 'PutObject 256 MB streamed (aws-chunked)', measured: `${put.toFixed(0)} MB/s`, target: 'report' },
      { name: 'lib-storage Upload 256 MB (8 MB parts ×4)', measured: `${multipart.toFixed(0)} MB/s`, target: 'report' },
      { name: 'GetObject 256 MB streamed', measured: `${get.toFixed(0)} MB/s`, target: 'report' },
      { name: 'peak RSS, endpoint + client', measured: `${rssMb.toFixed(0)} MB`, target: '≤ 256 MB (objects are 256 MB)', pass: rssMb <= 256 },
    ];
    for (const check of checks) console.log(`${check.name}: ${check.measured}`);
    return { name: 'local-s3', checks, data: { putMBps: put, multipartMBps: multipart, getMBps: get, peakRssMb: rssMb } };
  } finally {
    clearInterval(sampler);
    client.destroy();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
