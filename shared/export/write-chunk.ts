import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes one chunk and, when the stream's buffer is full, waits for 'drain' (or fails with
 * the stream's error) before returning: producers awaiting this never outrun the consumer.
 */
export async function writeChunk(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (stream.destroyed) throw stream.errored ?? new Error('the export stream was closed');
  if (!stream.write(chunk)) await drained(stream);
}

/** Resolves once `stream` has room again; rejects if it errors or closes first. */
export async function drained(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain) return;
  const closed = once(stream, 'close').then(() => {
    throw stream.errored ?? new Error('the export stream closed before draining');
  });
  await Promise.race([once(stream, 'drain'), closed]);
}

/** Ends the stream and waits until everything written has been flushed. */
export async function finish(stream: Writable): Promise<void> {
  const done = once(stream, 'finish');
  stream.end();
  await done;
}
