import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked-decoder.js';

async function decode(encoded: Buffer, pieceSize: number): Promise<{ data: Buffer; trailers: Record<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  const pieces = [];
  for (let offset = 0; offset < encoded.length; offset += pieceSize) pieces.push(encoded.subarray(offset, offset + pieceSize));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(decoder)) out.push(chunk as Buffer);
  return { data: Buffer.concat(out), trailers: decoder.trailers };
}

const payload = Buffer.from('student_id,name\r\nS1,Lê Thị Ánh\r\n'.repeat(50));

/** The SDK v3 framing: unsigned chunks, a CRC32 trailer. */
const unsigned = Buffer.concat([
  Buffer.from(`${(1000).toString(16)}\r\n`),
  payload.subarray(0, 1000),
  Buffer.from(`\r\n${(payload.length - 1000).toString(16)}\r\n`),
  payload.subarray(1000),
  Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'),
]);
/** SigV4 streaming framing: chunk signatures, no trailer. */
const signed = Buffer.concat([
  Buffer.from(`${payload.length.toString(16)};chunk-signature=${'a'.repeat(64)}\r\n`),
  payload,
  Buffer.from(`\r\n0;chunk-signature=${'b'.repeat(64)}\r\n\r\n`),
]);

describe('AwsChunkedDecoder', () => {
  it.each([1, 2, 7, 1000, 100_000])('decodes unsigned chunks with a trailer however the bytes arrive (%i-byte pieces)', async (pieceSize) => {
    const { data, trailers } = await decode(unsigned, pieceSize);
    expect(data.equals(payload)).toBe(true);
    expect(trailers).toEqual({ 'x-amz-checksum-crc32': 'AAAAAA==' });
  });

  it('decodes signed chunks', async () => {
    const { data, trailers } = await decode(signed, 13);
    expect(data.equals(payload)).toBe(true);
    expect(trailers).toEqual({});
  });

  it('rejects a body cut before the final chunk', async () => {
    await expect(decode(unsigned.subarray(0, unsigned.length - 30), 64)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('rejects a chunk size that is not hexadecimal', async () => {
    await expect(decode(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 64)).rejects.toMatchObject({ code: 'InvalidRequest' });
  });

  it('recognises aws-chunked requests by their content hash or encoding', () => {
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-encoding': 'gzip' })).toBe(false);
  });
});
