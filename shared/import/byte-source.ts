import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';

/** A byte range, `end` exclusive (HTTP `Range: bytes=start-(end-1)`). */
export interface ByteRange {
  start: number;
  end?: number;
}

/**
 * Port over a stored file that can be read again from any offset: an S3 object (GetObject with
 * Range), a local file, a buffer in tests. CSV chunks and the XLSX zip directory need ranges.
 */
export interface ByteSource {
  /** Total size in bytes, when known (S3 HeadObject / ContentLength). */
  readonly size: number;
  open(range?: ByteRange): Promise<Readable> | Readable;
}

/** A file on disk. */
export function fileByteSource(path: string): ByteSource {
  const size = statSync(path).size;
  return {
    size,
    open: (range) => createReadStream(path, range ? { start: range.start, end: range.end === undefined ? undefined : range.end - 1 } : {}),
  };
}

/** Bytes in memory (tests, the 5 MB direct upload), streamed in `chunkSize` pieces like a network body. */
export function bufferByteSource(bytes: Uint8Array, chunkSize = 64 * 1024): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buffer.length,
    open: (range) => {
      const slice = buffer.subarray(range?.start ?? 0, range?.end ?? buffer.length);
      return Readable.from(chunksOf(slice, chunkSize), { objectMode: false });
    },
  };
}

function* chunksOf(buffer: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}
