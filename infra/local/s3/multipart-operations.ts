import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { receiveBody } from './receive-body.js';
import { S3Error } from './s3-error.js';
import { objectHeaders, type S3Context, type S3Request, sendXml } from './s3-request.js';
import { xmlDocument, xmlTexts } from './s3-xml.js';
import { checksumHeader, writeConditions } from './object-operations.js';

interface Upload {
  key: string;
  initiated: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: string;
}

interface Part {
  file: string;
  etag: string;
  size: number;
  checksum?: { algorithm: string; value: string };
}

const MAX_COMPLETE_XML = 2 * 1024 * 1024;

/** CreateMultipartUpload (`POST ?uploads`): the upload's headers are kept on disk with its parts. */
export async function createMultipartUpload(ctx: S3Context, target: S3Request): Promise<void> {
  const uploadId = randomUUID();
  const dir = ctx.store.uploadDir(target.bucket, uploadId);
  const algorithm = target.request.headers['x-amz-checksum-algorithm'];
  const upload: Upload = {
    key: target.key,
    initiated: new Date().toISOString(),
    ...objectHeaders(target.request),
    ...(typeof algorithm === 'string' ? { checksumAlgorithm: algorithm.toLowerCase() } : {}),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'upload.json'), JSON.stringify(upload));
  sendXml(
    target,
    xmlDocument('InitiateMultipartUploadResult', { Bucket: target.bucket, Key: target.key, UploadId: uploadId }),
    200,
    typeof algorithm === 'string' ? { 'x-amz-checksum-algorithm': algorithm } : {},
  );
}

/** UploadPart (`PUT ?partNumber&uploadId`): streamed to its own file; a re-sent part replaces it. */
export async function uploadPart(ctx: S3Context, target: S3Request): Promise<void> {
  const { dir } = await openUpload(ctx, target);
  const partNumber = Number(target.query.get('partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw new S3Error(
      'InvalidArgument',
      { ArgumentName: 'partNumber', ArgumentValue: target.query.get('partNumber') ?? '' },
      'Part number must be an integer between 1 and 10000, inclusive',
    );
  }
  const file = `part-${partNumber}-${randomUUID()}`;
  try {
    const body = await receiveBody(target.request, path.join(dir, file), ctx.maxObjectBytes);
    const part: Part = { file, etag: `"${body.md5.toString('hex')}"`, size: body.size, ...(body.checksum ? { checksum: body.checksum } : {}) };
    const previous = await ctx.store.readJson<Part>(path.join(dir, `part-${partNumber}.json`));
    await writeFile(path.join(dir, `part-${partNumber}.json.tmp`), JSON.stringify(part));
    await rename(path.join(dir, `part-${partNumber}.json.tmp`), path.join(dir, `part-${partNumber}.json`));
    if (previous && previous.file !== file) await unlink(path.join(dir, previous.file)).catch(() => undefined);
    target.response.writeHead(200, { ETag: part.etag, 'Content-Length': 0, ...checksumHeader(part) });
    target.response.end();
  } catch (error) {
    await rm(path.join(dir, file), { force: true });
    throw error;
  }
}

/**
 * CompleteMultipartUpload: checks the listed parts (ascending, uploaded, ETags matching, all
 * but the last ≥ 5 MiB), concatenates them by streaming, ETag `"<md5 of the part MD5s>-N"`,
 * then ObjectCreated:CompleteMultipartUpload.
 */
export async function completeMultipartUpload(ctx: S3Context, target: S3Request): Promise<void> {
  const { dir, upload } = await openUpload(ctx, target);
  const xml = await readSmallBody(target);
  const listed = xmlTexts(xml, 'Part').map((part) => ({ number: Number(xmlTexts(part, 'PartNumber')[0]), etag: xmlTexts(part, 'ETag')[0]?.trim() ?? '' }));
  if (listed.length === 0 || listed.some((part) => !Number.isInteger(part.number))) throw new S3Error('MalformedXML');
  const parts: Part[] = [];
  for (const [index, entry] of listed.entries()) {
    if (index > 0 && entry.number <= listed[index - 1]!.number) throw new S3Error('InvalidPartOrder', { UploadId: target.query.get('uploadId')! });
    const part = await ctx.store.readJson<Part>(path.join(dir, `part-${entry.number}.json`));
    if (!part || part.etag.replace(/"/g, '') !== entry.etag.replace(/"/g, ''))
      throw new S3Error('InvalidPart', { UploadId: target.query.get('uploadId')!, PartNumber: entry.number, ETag: entry.etag });
    parts.push(part);
  }
  const small = parts.slice(0, -1).findIndex((part) => part.size < ctx.minPartBytes);
  if (small !== -1)
    throw new S3Error('EntityTooSmall', { ProposedSize: parts[small]!.size, MinSizeAllowed: ctx.minPartBytes, PartNumber: listed[small]!.number });

  const temp = ctx.store.tempPath(target.bucket);
  try {
    await pipeline(async function* () {
      for (const part of parts) yield* createReadStream(path.join(dir, part.file));
    }, createWriteStream(temp));
    const md5s = Buffer.concat(parts.map((part) => Buffer.from(part.etag.replace(/"/g, ''), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`;
    const checksum = compositeChecksum(upload.checksumAlgorithm, parts);
    const meta = await ctx.store.commit(
      target.bucket,
      temp,
      {
        key: upload.key,
        size: parts.reduce((sum, part) => sum + part.size, 0),
        etag,
        headers: upload.headers,
        metadata: upload.metadata,
        ...(checksum ? { checksum } : {}),
      },
      writeConditions(target),
    );
    await rm(dir, { recursive: true, force: true });
    const location = `http://${target.request.headers.host}/${target.bucket}/${encodeURI(upload.key)}`;
    const checksumElement = checksum ? { [`Checksum${checksum.algorithm.toUpperCase()}`]: checksum.value } : {};
    sendXml(
      target,
      xmlDocument('CompleteMultipartUploadResult', { Location: location, Bucket: target.bucket, Key: upload.key, ETag: meta.etag, ...checksumElement }),
    );
    ctx.emit({ eventName: 'ObjectCreated:CompleteMultipartUpload', bucket: target.bucket, key: upload.key, size: meta.size, etag: meta.etag }, target);
  } finally {
    await rm(temp, { force: true });
  }
}

/** AbortMultipartUpload: drops the upload and its parts (204). */
export async function abortMultipartUpload(ctx: S3Context, target: S3Request): Promise<void> {
  const { dir } = await openUpload(ctx, target);
  await rm(dir, { recursive: true, force: true });
  target.response.writeHead(204);
  target.response.end();
}

/** ListParts (`GET ?uploadId`): the parts uploaded so far. */
export async function listParts(ctx: S3Context, target: S3Request): Promise<void> {
  const { dir, upload } = await openUpload(ctx, target);
  const numbers = (await readdir(dir))
    .flatMap((name) => /^part-(\d+)\.json$/.exec(name)?.[1] ?? [])
    .map(Number)
    .sort((a, b) => a - b);
  const parts = [];
  for (const number of numbers) {
    const part = await ctx.store.readJson<Part>(path.join(dir, `part-${number}.json`));
    if (part) parts.push({ PartNumber: number, ETag: part.etag, Size: part.size });
  }
  sendXml(
    target,
    xmlDocument('ListPartsResult', { Bucket: target.bucket, Key: upload.key, UploadId: target.query.get('uploadId')!, IsTruncated: false, Part: parts }),
  );
}

async function openUpload(ctx: S3Context, target: S3Request): Promise<{ dir: string; upload: Upload }> {
  const uploadId = target.query.get('uploadId') ?? '';
  const dir = ctx.store.uploadDir(target.bucket, uploadId);
  const upload = await ctx.store.readJson<Upload>(path.join(dir, 'upload.json'));
  if (!upload || upload.key !== target.key) throw new S3Error('NoSuchUpload', { UploadId: uploadId });
  return { dir, upload };
}

async function readSmallBody(target: S3Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of target.request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_COMPLETE_XML) throw new S3Error('MalformedXML');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** S3's checksum of checksums (`<base64>-N`) when every part carried the upload's algorithm. */
function compositeChecksum(algorithm: string | undefined, parts: Part[]): { algorithm: string; value: string } | undefined {
  if (!algorithm || !parts.every((part) => part.checksum?.algorithm === algorithm)) return undefined;
  const raw = Buffer.concat(parts.map((part) => Buffer.from(part.checksum!.value, 'base64')));
  let digest: Buffer;
  if (algorithm === 'crc32') {
    digest = Buffer.alloc(4);
    digest.writeUInt32BE(crc32(raw) >>> 0);
  } else if (algorithm === 'sha1' || algorithm === 'sha256') {
    digest = createHash(algorithm).update(raw).digest();
  } else {
    return undefined;
  }
  return { algorithm, value: `${digest.toString('base64')}-${parts.length}` };
}
