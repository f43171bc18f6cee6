import type { Writable } from 'node:stream';
import type { ExportColumn } from './export-columns.js';
import { neutraliseFormula } from './neutralise-formula.js';
import { writeChunk } from './write-chunk.js';

export interface CsvOptions {
  /** Starts with a UTF-8 byte-order mark so that Excel reads accents correctly. @default false */
  bom?: boolean;
}

/** Rows are joined into chunks of about this size before each (backpressured) write. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams items as RFC 4180 CSV (CRLF line ends, fields quoted when they hold `"`, `,`, CR
 * or LF, quotes doubled) with a header of field names. String cells are neutralised
 * against formula injection; null is an empty field. Resolves with the number of rows.
 */
export async function writeCsv(
  items: AsyncIterable<Record<string, unknown>>,
  columns: readonly ExportColumn[],
  out: Writable,
  options: CsvOptions = {},
): Promise<number> {
  let chunk = `${options.bom ? '\uFEFF' : ''}${columns.map((column) => csvField(column.field)).join(',')}\r\n`;
  let rows = 0;
  for await (const item of items) {
    chunk += `${columns.map((column) => csvCell(item[column.field])).join(',')}\r\n`;
    rows++;
    if (chunk.length >= CHUNK_CHARS) {
      await writeChunk(out, chunk);
      chunk = '';
    }
  }
  if (chunk) await writeChunk(out, chunk);
  return rows;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return csvField(neutraliseFormula(String(value)));
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
