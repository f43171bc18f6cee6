import type { ByteSource } from '../byte-source.js';
import type { ImportLimits } from '../import-limits.js';
import { xlsxRowSource } from './xlsx-row-source.js';

/**
 * One chunk of a fanned-out XLSX: sheet rows [firstRow, endRow). `start`/`end` are the share of
 * the (compressed) file the chunk stands for, for progress only: a zip cannot be entered in the
 * middle, so every worker streams the sheet from its first row.
 */
export interface XlsxRowChunk {
  kind: 'rows';
  firstRow: number;
  endRow: number;
  start: number;
  end: number;
}

export interface XlsxChunkPlan {
  chunks: XlsxRowChunk[];
  /** Rows after the header that the sheet has (blank ones included): the row limit is checked on it. */
  dataRows: number;
}

/**
 * Splits the sheet an import reads into row ranges, as many as a CSV of the same size gets
 * (ceil(size / targetBytes)), of equal spans of spreadsheet row numbers between the header and
 * the last row. One streaming count pass (the reader's zip-bomb limits apply, rows are counted,
 * never held); fewer than two chunks → `[]` (the file runs in one function). The last chunk
 * ends one past the last row, so the ranges cover every row a one-pass run reads.
 */
export async function planXlsxChunks(bytes: ByteSource, options: { limits: ImportLimits; sheet?: string; targetBytes: number }): Promise<XlsxChunkPlan> {
  let headerRow: number | undefined;
  let lastRow = 0;
  let dataRows = 0;
  for await (const block of xlsxRowSource(bytes, { limits: options.limits, sheet: options.sheet })) {
    for (const row of block) {
      if (headerRow === undefined) headerRow = row.row;
      else dataRows++;
      lastRow = row.row;
    }
  }
  return { chunks: xlsxRowChunks(headerRow ?? 0, lastRow, bytes.size, options.targetBytes), dataRows };
}

/** Equal row spans after `headerRow` up to `lastRow` (inclusive), ceil(size / targetBytes) of them, at most one per row. */
export function xlsxRowChunks(headerRow: number, lastRow: number, size: number, targetBytes: number): XlsxRowChunk[] {
  const span = lastRow - headerRow;
  const count = Math.min(span, Math.ceil(size / Math.max(1, targetBytes)));
  if (count < 2) return [];
  const rowsPerChunk = Math.ceil(span / count);
  const chunks: XlsxRowChunk[] = [];
  for (let first = headerRow + 1; first <= lastRow; first += rowsPerChunk) {
    const index = chunks.length;
    chunks.push({ kind: 'rows', firstRow: first, endRow: Math.min(first + rowsPerChunk, lastRow + 1), start: 0, end: 0 });
    chunks[index]!.start = index === 0 ? 0 : Math.round((size * (first - headerRow - 1)) / span);
  }
  for (let index = 0; index < chunks.length; index++) chunks[index]!.end = index + 1 < chunks.length ? chunks[index + 1]!.start : size;
  return chunks.length < 2 ? [] : chunks;
}
