import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportColumn } from './export-columns.js';
import { neutraliseFormula } from './neutralise-formula.js';
import { drained } from './write-chunk.js';
import { xmlChars } from './xml-text.js';

/** Label/value rows of a sheet written after the data (totals known only at the end). */
export interface SheetSummary {
  sheetName: string;
  observe(item: Record<string, unknown>): void;
  rows(): readonly (readonly [string, string | number | null])[];
}

export interface XlsxOptions {
  sheetName: string;
  summary?: SheetSummary;
}

/** Rows committed between two waits for the output to drain. */
const ROWS_PER_TURN = 500;
/** Bytes allowed to wait inside the zip pipeline before the producer pauses. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

interface Buffered {
  writableLength: number;
  readableLength: number;
}

/**
 * Streams items into an XLSX workbook with exceljs' streaming WorkbookWriter: one data sheet
 * (header row of field names, numbers as numeric cells, strings neutralised against
 * formulas), then an optional summary sheet. exceljs applies no backpressure of its own, so
 * every few hundred committed rows this waits for the output to drain and lets the zip
 * deflater run; memory stays flat however many rows pass. Resolves with the row count.
 */
export async function writeXlsx(
  items: AsyncIterable<Record<string, unknown>>,
  columns: readonly ExportColumn[],
  out: Writable,
  options: XlsxOptions,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const zip = (workbook as unknown as { zip: Buffered }).zip;
  const sheet = workbook.addWorksheet(options.sheetName);
  // The sheet's StreamBuf writes into the zip entry's deflater without checking write()'s
  // result: that deflater's buffer is where unread rows pile up, so it is what we watch.
  const entryPipes = () => (sheet as unknown as { stream: { pipes: Buffered[] } }).stream.pipes;
  const backlog = () => zip.writableLength + zip.readableLength + entryPipes().reduce((sum, pipe) => sum + (pipe.writableLength ?? 0), 0);
  sheet.addRow(columns.map((column) => column.field)).commit();
  let rows = 0;
  for await (const item of items) {
    sheet.addRow(columns.map((column) => xlsxCell(item[column.field]))).commit();
    options.summary?.observe(item);
    if (++rows % ROWS_PER_TURN === 0) {
      // Let deflate catch up with the committed rows, then the consumer with deflate.
      do await nextTurn();
      while (backlog() > MAX_BACKLOG_BYTES);
      await drained(out);
    }
  }
  sheet.commit();
  if (options.summary) {
    const summary = workbook.addWorksheet(options.summary.sheetName);
    summary.addRow(['Metric', 'Value']).commit();
    for (const [label, value] of options.summary.rows()) summary.addRow([label, value]).commit();
    summary.commit();
  }
  await workbook.commit();
  return rows;
}

function xlsxCell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return neutraliseFormula(xlsxText(String(value)));
}

/**
 * Cell text as XLSX can hold it: no XML-invalid characters, and line breaks as LF (exceljs
 * writes CR unescaped, which every XML reader turns into LF anyway: do it visibly, here).
 */
export function xlsxText(value: string): string {
  return xmlChars(value).replace(/\r\n?/g, '\n');
}
