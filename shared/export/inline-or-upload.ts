import { Writable } from 'node:stream';
import type { LargeExportUpload } from './large-export-store.js';

/**
 * The export's destination: keeps the bytes in memory while they fit in `limit`; the first
 * write past it opens the upload (`spill`), hands it what was kept and forwards everything
 * after — so one pass over the table serves both answers. Without `spill`, crossing the
 * limit fails the stream with `tooLarge()`.
 */
export class InlineOrUpload extends Writable {
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private upload: LargeExportUpload | undefined;
  bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly spill: (() => LargeExportUpload) | undefined,
    private readonly tooLarge: () => Error,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  /** The upload, once the export outgrew the limit. */
  get uploaded(): LargeExportUpload | undefined {
    return this.upload;
  }

  /** Everything written, when it stayed inline. */
  get inline(): Buffer {
    return Buffer.concat(this.kept, this.keptBytes);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.upload) {
      this.forward(chunk, done);
      return;
    }
    if (this.keptBytes + chunk.length <= this.limit) {
      this.kept.push(chunk);
      this.keptBytes += chunk.length;
      done();
      return;
    }
    if (!this.spill) {
      done(this.tooLarge());
      return;
    }
    try {
      this.upload = this.spill();
    } catch (error) {
      done(error as Error);
      return;
    }
    // A failed upload stops reading its body: fail here too instead of waiting for a drain.
    this.upload.done.catch((error: unknown) => this.destroy(error as Error));
    const head = this.inline;
    this.kept = [];
    this.keptBytes = 0;
    this.forward(head, (error) => (error ? done(error) : this.forward(chunk, done)));
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.upload) this.upload.stream.end(() => done());
    else done();
  }

  /** Writes to the upload and completes once it accepted the chunk (its backpressure is ours). */
  private forward(chunk: Buffer, done: (error?: Error | null) => void): void {
    const stream = this.upload!.stream;
    if (stream.write(chunk)) {
      done();
      return;
    }
    const onDrain = () => {
      stream.off('error', onError);
      done();
    };
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      done(error);
    };
    stream.once('drain', onDrain).once('error', onError);
  }
}
