import type { ByteSource } from '../byte-source.js';
import type { ImportLimits } from '../import-limits.js';
import { type XlsxSheetInfo, xlsxRowSource } from './xlsx-row-source.js';

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
  /** Where the row count came from: the sheet's `<dimension>` element, or a counting pass. */
  counted: 'dimension' | 'pass';
}

/** Excel's last row; a dimension past it is not one Excel wrote. */
const MAX_SHEET_ROW = 1_048_576;
/**
 * Sheet XML per declared row above which a dimension is taken for stale: a real row of a few
 * cells is 100–300 bytes of XML, so a part this much bigger holds rows the dimension omits.
 */
const MAX_XML_BYTES_PER_ROW = 4 * 1024;

/**
 * Splits the sheet an import reads into row ranges, as many as a CSV of the same size gets
 * (ceil(size / targetBytes)), of equal spans of spreadsheet row numbers between the header and
 * the last row; fewer than two chunks → `[]` (the file runs in one function). The last row
 * comes from the sheet's `<dimension ref="A1:E200001">` when it declares a plausible one
 * (read from the sheet's first bytes: nothing after the header row is inflated), else from one
 * streaming count pass (the reader's zip-bomb limits apply, rows are counted, never held). The
 * last chunk ends one past the last row; planned from a dimension it is open-ended, so a
 * dimension that omits rows costs balance, never rows.
 */
export async function planXlsxChunks(bytes: ByteSource, options: { limits: ImportLimits; sheet?: string; targetBytes: number }): Promise<XlsxChunkPlan> {
  let headerRow: number | undefined;
  let lastRow = 0;
  let dataRows = 0;
  const source = xlsxRowSource(bytes, { limits: options.limits, sheet: options.sheet });
  for await (const block of source) {
    for (const row of block) {
      if (headerRow === undefined) headerRow = row.row;
      else dataRows++;
      lastRow = row.row;
    }
    const declared = headerRow !== undefined && dataRows === 0 ? declaredLastRow(source.sheet, headerRow, options.limits) : undefined;
    if (declared !== undefined) {
      const chunks = xlsxRowChunks(headerRow!, declared, bytes.size, options.targetBytes);
      if (chunks.length > 0) chunks[chunks.length - 1]!.endRow = Number.MAX_SAFE_INTEGER;
      return { chunks, dataRows: declared - headerRow!, counted: 'dimension' };
    }
  }
  return { chunks: xlsxRowChunks(headerRow ?? 0, lastRow, bytes.size, options.targetBytes), dataRows, counted: 'pass' };
}

/**
 * The last row the sheet's dimension declares, when it is believable: a well-formed range whose
 * last row is after the header, within Excel's grid and the row limit (over it, the exact
 * count decides), and not far too few rows for the size of the sheet's XML.
 */
export function declaredLastRow(sheet: XlsxSheetInfo | undefined, headerRow: number, limits: ImportLimits): number | undefined {
  const match = sheet?.dimension && /^\$?[A-Z]{1,3}\$?(\d+)(?::\$?[A-Z]{1,3}\$?(\d+))?$/.exec(sheet.dimension);
  if (!match) return undefined;
  const last = Number(match[2] ?? match[1]);
  if (last <= headerRow || last > MAX_SHEET_ROW || last - headerRow > limits.maxRows) return undefined;
  if (sheet.xmlBytes > last * MAX_XML_BYTES_PER_ROW) return undefined;
  return last;
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
