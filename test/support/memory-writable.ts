import { setImmediate as nextTurn } from 'node:timers/promises';
import { Writable } from 'node:stream';

/**
 * A Writable that keeps what it gets, optionally slow (each write completes a turn later)
 * with a small buffer, so that producers which ignore backpressure pile data up in it.
 */
export class MemoryWritable extends Writable {
  readonly chunks: Buffer[] = [];
  /** Largest buffered byte count seen at any write: bounded only if the producer waits. */
  maxBuffered = 0;

  constructor(options: { highWaterMark?: number; slow?: boolean } = {}) {
    super({
      highWaterMark: options.highWaterMark ?? 16 * 1024,
      write: (chunk: Buffer, _encoding, done) => {
        this.chunks.push(chunk);
        this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
        if (options.slow) void nextTurn().then(() => done());
        else done();
      },
    });
  }

  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.buffer.toString('utf8');
  }
}

/** An async iterable over `items`, as a paged store read would produce them. */
export async function* asyncItems<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}
