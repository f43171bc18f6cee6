import type { Writable } from 'node:stream';

/** A streamed upload in progress: write to `stream`, end it, then await `done`. */
export interface LargeExportUpload {
  stream: Writable;
  /** Settles when the object is complete (or failed). */
  done: Promise<void>;
  /** Gives up and removes what was uploaded so far. */
  abort(): Promise<void>;
}

/**
 * Port for exports too large to answer inline: a bucket that takes a streamed (multipart)
 * upload and hands out a time-limited download link. Adapter: `s3/s3-large-export-store.ts`.
 */
export interface LargeExportStore {
  open(key: string, contentType: string): LargeExportUpload;
  /** A GET link that downloads `key` as an attachment named `filename`. */
  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string>;
}
