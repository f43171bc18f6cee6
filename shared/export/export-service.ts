import type { Entity } from '../entity/define-entity.js';
import { emitMetric, type MetricSink, NO_METRICS } from '../observability/emit-metric.js';
import { EXPORT_FORMATS, type ExportFormatName } from './export-formats.js';
import { ExportTooLargeError } from './export.errors.js';
import { InlineOrUpload } from './inline-or-upload.js';
import type { LargeExportStore } from './large-export-store.js';
import { finish } from './write-chunk.js';

/** Lambda answers at most 6 MB; 5 MB of payload leaves room for headers and JSON framing. */
export const INLINE_PAYLOAD_BYTES = 5 * 1024 * 1024;
/** How long the download link of a large export stays valid. */
export const DOWNLOAD_LINK_SECONDS = 15 * 60;

export interface ExportDeps {
  /** Where exports past the inline limit go; absent = they fail with 413. */
  largeExports?: LargeExportStore;
  clock?: () => Date;
  /** Makes the object key unique (the request id). */
  requestId: string;
  /** @default INLINE_PAYLOAD_BYTES */
  inlinePayloadBytes?: number;
  /** Counts the rows written (`ExportRows`, per format). @default none */
  metrics?: MetricSink;
}

export type ExportResult =
  | { kind: 'inline'; rows: number; body: Buffer; contentType: string; filename: string; binary: boolean }
  | { kind: 'uploaded'; rows: number; bytes: number; key: string; url: string; filename: string };

/**
 * Streams items into the chosen format in one pass: inline when the result fits the payload
 * limit (binary formats get 3/4 of it: API Gateway carries them base64), else as a multipart
 * upload under `exports/` answered with a presigned link.
 */
export async function exportItems(
  entity: Entity,
  items: AsyncIterable<Record<string, unknown>>,
  formatName: ExportFormatName,
  deps: ExportDeps,
): Promise<ExportResult> {
  const format = EXPORT_FORMATS[formatName];
  const now = (deps.clock ?? (() => new Date()))();
  const filename = `${entity.name}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.${format.extension}`;
  const key = `exports/${entity.name}/${now.toISOString().slice(0, 10)}/${deps.requestId}/${filename}`;
  const payload = deps.inlinePayloadBytes ?? INLINE_PAYLOAD_BYTES;
  const limit = format.binary ? Math.floor((payload * 3) / 4) : payload;
  const large = deps.largeExports;
  const sink = new InlineOrUpload(limit, large && (() => large.open(key, format.contentType)), () => new ExportTooLargeError(limit));
  let rows: number;
  try {
    rows = await format.write(entity, items, sink);
    if (!sink.writableFinished) await finish(sink);
    await sink.uploaded?.done;
  } catch (error) {
    sink.destroy();
    await sink.uploaded?.abort().catch(() => undefined);
    throw sink.errored ?? error;
  }
  emitMetric(deps.metrics ?? NO_METRICS, 'ExportRows', { format: formatName }, rows);
  if (!sink.uploaded) return { kind: 'inline', rows, body: sink.inline, contentType: format.contentType, filename, binary: format.binary };
  const url = await large!.downloadUrl(key, filename, DOWNLOAD_LINK_SECONDS);
  return { kind: 'uploaded', rows, bytes: sink.bytes, key, url, filename };
}
