import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { etagMatches, type ObjectMeta } from './object-store.js';
import { receiveBody } from './receive-body.js';
import { S3Error } from './s3-error.js';
import { objectHeaders, type S3Context, type S3Request, sendXml } from './s3-request.js';
import { xmlDocument } from './s3-xml.js';

/** PutObject: streamed to disk, ETag = quoted MD5 hex, conditional writes, then ObjectCreated:Put. */
export async function putObject(ctx: S3Context, target: S3Request): Promise<void> {
  const temp = ctx.store.tempPath(target.bucket);
  try {
    const body = await receiveBody(target.request, temp, ctx.maxObjectBytes);
    const meta = await ctx.store.commit(
      target.bucket,
      temp,
      {
        key: target.key,
        size: body.size,
        etag: `"${body.md5.toString('hex')}"`,
        ...objectHeaders(target.request),
        ...(body.checksum ? { checksum: body.checksum } : {}),
      },
      writeConditions(target),
    );
    target.response.writeHead(200, { ETag: meta.etag, 'Content-Length': 0, ...checksumHeader(meta) });
    target.response.end();
    ctx.emit({ eventName: 'ObjectCreated:Put', bucket: target.bucket, key: target.key, size: meta.size, etag: meta.etag }, target);
  } finally {
    await rm(temp, { force: true });
  }
}

/** CopyObject (`x-amz-copy-source`): a streamed copy, metadata copied or replaced. */
export async function copyObject(ctx: S3Context, target: S3Request): Promise<void> {
  const source = decodeURIComponent(String(target.request.headers['x-amz-copy-source']).split('?')[0]!).replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash <= 0)
    throw new S3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source' }, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  const [sourceBucket, sourceKey] = [source.slice(0, slash), source.slice(slash + 1)];
  const from = ctx.store.get(sourceBucket, sourceKey);
  const ifMatch = target.request.headers['x-amz-copy-source-if-match'];
  const ifNoneMatch = target.request.headers['x-amz-copy-source-if-none-match'];
  if ((typeof ifMatch === 'string' && !etagMatches(ifMatch, from.etag)) || (typeof ifNoneMatch === 'string' && etagMatches(ifNoneMatch, from.etag)))
    throw new S3Error('PreconditionFailed');
  const replace = target.request.headers['x-amz-metadata-directive'] === 'REPLACE';
  const temp = ctx.store.tempPath(target.bucket);
  try {
    const md5 = createHash('md5');
    await pipeline(
      createReadStream(ctx.store.dataPath(sourceBucket, from)),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          md5.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(temp),
    );
    const stored = replace ? objectHeaders(target.request) : { headers: from.headers, metadata: from.metadata };
    const meta = await ctx.store.commit(
      target.bucket,
      temp,
      { key: target.key, size: from.size, etag: `"${md5.digest('hex')}"`, ...stored },
      writeConditions(target),
    );
    sendXml(target, xmlDocument('CopyObjectResult', { LastModified: meta.lastModified, ETag: meta.etag }));
    ctx.emit({ eventName: 'ObjectCreated:Copy', bucket: target.bucket, key: target.key, size: meta.size, etag: meta.etag }, target);
  } finally {
    await rm(temp, { force: true });
  }
}

/** GetObject / HeadObject: conditional requests, one byte range (206), response-* overrides. */
export async function getObject(ctx: S3Context, target: S3Request): Promise<void> {
  const meta = ctx.store.get(target.bucket, target.key);
  const headers = target.request.headers;
  const lastModified = new Date(meta.lastModified);
  const validators = { ETag: meta.etag, 'Last-Modified': lastModified.toUTCString() };
  if (typeof headers['if-match'] === 'string' ? !etagMatches(headers['if-match'], meta.etag) : modifiedSince(lastModified, headers['if-unmodified-since'])) {
    throw new S3Error('PreconditionFailed', { Condition: headers['if-match'] ? 'If-Match' : 'If-Unmodified-Since' });
  }
  if (
    typeof headers['if-none-match'] === 'string'
      ? etagMatches(headers['if-none-match'], meta.etag)
      : notModifiedSince(lastModified, headers['if-modified-since'])
  ) {
    target.response.writeHead(304, validators);
    target.response.end();
    return;
  }
  const range = parseRange(headers.range, meta.size);
  const out: Record<string, string | number> = { ...validators, 'Accept-Ranges': 'bytes', ...meta.headers, ...meta.metadata };
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = target.query.get(param);
    if (value !== null) out[name] = value;
  }
  if (range) {
    out['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
    out['Content-Length'] = range.end - range.start + 1;
  } else {
    out['Content-Length'] = meta.size;
    if (headers['x-amz-checksum-mode'] === 'ENABLED') Object.assign(out, checksumHeader(meta));
  }
  target.response.writeHead(range ? 206 : 200, out);
  if (target.request.method === 'HEAD' || meta.size === 0) {
    target.response.end();
    return;
  }
  await pipeline(createReadStream(ctx.store.dataPath(target.bucket, meta), { ...range, highWaterMark: 1024 * 1024 }), target.response);
}

/** DeleteObject: 204 whether or not the key existed, as S3 answers. */
export async function deleteObject(ctx: S3Context, target: S3Request): Promise<void> {
  await ctx.store.delete(target.bucket, target.key);
  target.response.writeHead(204);
  target.response.end();
}

const RESPONSE_OVERRIDES = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
} as const;

/** `If-None-Match: *` (create only) and `If-Match` (replace that version only) on writes. */
export function writeConditions(target: S3Request): { ifNoneMatch?: string; ifMatch?: string } {
  const { 'if-none-match': ifNoneMatch, 'if-match': ifMatch } = target.request.headers;
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.trim() !== '*')
    throw new S3Error('NotImplemented', { Header: 'If-None-Match' }, 'If-None-Match on writes only supports *');
  return { ...(typeof ifNoneMatch === 'string' ? { ifNoneMatch: '*' } : {}), ...(typeof ifMatch === 'string' ? { ifMatch } : {}) };
}

/** `x-amz-checksum-<algorithm>` of a stored object, when the upload declared one. */
export function checksumHeader(meta: Pick<ObjectMeta, 'checksum'>): Record<string, string> {
  return meta.checksum ? { [`x-amz-checksum-${meta.checksum.algorithm}`]: meta.checksum.value } : {};
}

/**
 * One `bytes=` range as S3 honours it: `a-b`, `a-`, `-n`. A malformed or multi-range header
 * is ignored (full object); a range starting past the end is InvalidRange (416).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw invalidRange(header!, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
    if (start >= size) throw invalidRange(header!, size);
  }
  return { start, end };
}

function invalidRange(header: string, size: number): S3Error {
  return new S3Error('InvalidRange', { RangeRequested: header, ActualObjectSize: size }, undefined, { 'Content-Range': `bytes */${size}` });
}

function modifiedSince(lastModified: Date, header: string | string[] | undefined): boolean {
  const since = typeof header === 'string' ? Date.parse(header) : NaN;
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) > Math.floor(since / 1000);
}

function notModifiedSince(lastModified: Date, header: string | string[] | undefined): boolean {
  const since = typeof header === 'string' ? Date.parse(header) : NaN;
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}
