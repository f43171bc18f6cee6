import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked-decoder.js';
import { S3Error } from './s3-error.js';

/** Checksum algorithms this endpoint verifies; others (crc32c, crc64nvme) are stored unverified. */
type VerifiedAlgorithm = 'crc32' | 'sha1' | 'sha256';

export interface ReceivedBody {
  size: number;
  md5: Buffer;
  /** `{ crc32: base64 }` for the flexible checksum the client sent, if any. */
  checksum?: { algorithm: string; value: string };
}

/**
 * Streams a request body to `file` (never held in memory): decodes aws-chunked bodies, and
 * checks what the client declared — Content-MD5, a hex `x-amz-content-sha256`, the flexible
 * checksum header or trailer (`x-amz-checksum-crc32|sha1|sha256`), the decoded length.
 * A mismatch rejects with S3's error; the caller then discards `file`.
 */
export async function receiveBody(request: IncomingMessage, file: string, maxBytes: number): Promise<ReceivedBody> {
  const headers = request.headers;
  const chunked = isAwsChunked(headers);
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const declaredSha256 = String(headers['x-amz-content-sha256'] ?? '');
  const algorithm = checksumAlgorithm(headers);
  const digest = new BodyDigest(maxBytes, /^[0-9a-f]{64}$/.test(declaredSha256), algorithm);
  await pipeline([request, ...(decoder ? [decoder] : []), digest, createWriteStream(file)]);

  const md5 = digest.md5.digest();
  const contentMd5 = headers['content-md5'];
  if (typeof contentMd5 === 'string') {
    const expected = Buffer.from(contentMd5, 'base64');
    if (expected.length !== 16) throw new S3Error('InvalidDigest');
    if (!expected.equals(md5)) throw new S3Error('BadDigest', { ExpectedDigest: contentMd5 });
  }
  if (digest.sha256 && digest.sha256.digest('hex') !== declaredSha256)
    throw new S3Error('XAmzContentSHA256Mismatch', { ClientComputedContentSHA256: declaredSha256 });
  const decodedLength = headers['x-amz-decoded-content-length'];
  if (chunked && typeof decodedLength === 'string' && Number(decodedLength) !== digest.size) throw new S3Error('IncompleteBody');

  if (!algorithm) return { size: digest.size, md5 };
  const sent = (decoder?.trailers[`x-amz-checksum-${algorithm}`] ?? headers[`x-amz-checksum-${algorithm}`]) as string | undefined;
  const computed = digest.checksum();
  if (sent !== undefined && computed !== undefined && sent !== computed) {
    throw new S3Error('BadDigest', {}, `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
  }
  const value = sent ?? computed;
  return { size: digest.size, md5, ...(value ? { checksum: { algorithm, value } } : {}) };
}

/** The flexible checksum algorithm named by the request (header, trailer declaration or SDK hint). */
function checksumAlgorithm(headers: IncomingMessage['headers']): string | undefined {
  const trailer = String(headers['x-amz-trailer'] ?? '').match(/x-amz-checksum-([a-z0-9]+)/i)?.[1];
  const header = Object.keys(headers).find(
    (name) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type' && name !== 'x-amz-checksum-algorithm' && name !== 'x-amz-checksum-mode',
  );
  const hint = headers['x-amz-sdk-checksum-algorithm'];
  return (trailer ?? header?.slice('x-amz-checksum-'.length) ?? (typeof hint === 'string' ? hint : undefined))?.toLowerCase();
}

/** Passes bytes through while hashing them and enforcing the size limit. */
class BodyDigest extends Transform {
  readonly md5 = createHash('md5');
  readonly sha256: Hash | undefined;
  size = 0;
  private crc = 0;
  private readonly hash: Hash | undefined;

  constructor(
    private readonly maxBytes: number,
    withSha256: boolean,
    private readonly algorithm: string | undefined,
  ) {
    super();
    this.sha256 = withSha256 ? createHash('sha256') : undefined;
    this.hash = algorithm === 'sha1' || algorithm === 'sha256' ? createHash(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new S3Error('EntityTooLarge', { MaxSizeAllowed: this.maxBytes }));
      return;
    }
    this.md5.update(chunk);
    this.sha256?.update(chunk);
    this.hash?.update(chunk);
    if (this.algorithm === 'crc32') this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  /** Base64 of the flexible checksum, as S3 spells it; undefined for unverified algorithms. */
  checksum(): string | undefined {
    const algorithm = this.algorithm as VerifiedAlgorithm | undefined;
    if (algorithm === 'crc32') {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(this.crc >>> 0);
      return bytes.toString('base64');
    }
    return this.hash?.digest('base64');
  }
}
