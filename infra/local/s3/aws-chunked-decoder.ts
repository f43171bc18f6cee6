import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-error.js';

const MAX_LINE = 4096;

/**
 * Decodes an `aws-chunked` body (`x-amz-content-sha256: STREAMING-…`, the SDK v3 default for
 * streamed uploads with checksums): `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … a zero
 * chunk, then trailer lines (`x-amz-checksum-crc32:…`) and an empty line. Emits only the data;
 * the trailers are in {@link trailers} once the stream ends. Chunk signatures are not checked
 * (the seed signature of the request is).
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' ? null : new S3Error('IncompleteBody', {}, 'The aws-chunked body ended before its final chunk.'));
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') return; // bytes after the final empty line are ignored
      const newline = chunk.indexOf(0x0a, offset);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.line += chunk.toString('latin1', offset, end);
      offset = end;
      if (this.line.length > MAX_LINE) throw malformed('a chunk header line is too long');
      if (newline === -1) return;
      const line = this.line.replace(/\r?\n$/, '');
      this.line = '';
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw malformed('chunk data is not followed by CRLF');
      this.state = 'size';
    } else if (this.state === 'size') {
      const size = line.split(';')[0]!.trim();
      if (!/^[0-9a-f]+$/i.test(size)) throw malformed(`invalid chunk size "${size.slice(0, 20)}"`);
      this.remaining = parseInt(size, 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
    } else if (this.state === 'trailer') {
      if (line === '') {
        this.state = 'done';
        return;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformed('invalid trailer line');
      this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
}

function malformed(reason: string): S3Error {
  return new S3Error('InvalidRequest', {}, `Malformed aws-chunked body: ${reason}.`);
}

/** True when the request body is aws-chunked encoded. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((part) => part.trim() === 'aws-chunked');
}
