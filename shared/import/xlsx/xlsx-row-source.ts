import { Transform } from 'node:stream';
import { headingKey } from '../header-map.js';
import type { ByteSource } from '../byte-source.js';
import { ImportFileError } from '../import.errors.js';
import type { ImportLimits } from '../import-limits.js';
import type { RowSource, SourceRange, SourceRow } from '../source-row.js';
import { cellText } from './cell-text.js';
import { checkZipDirectory } from './zip-directory.js';

const BLOCK_ROWS = 500;

export type XlsxRowRange = Extract<SourceRange, { kind: 'rows' }>;

export interface XlsxSourceOptions {
  limits: ImportLimits;
  /** Sheet to read when present (matched like headings); otherwise the workbook's first sheet. */
  sheet?: string;
  /** Only data rows `from`–`to` (spreadsheet numbers); the header row still comes first. */
  range?: XlsxRowRange;
}

interface ExcelRow {
  number: number;
  values: unknown[];
}
interface ExcelSheet extends AsyncIterable<ExcelRow> {
  id: number | string;
  name: string;
}
interface ExcelModel {
  sheets?: { name: string }[];
}

/** The worksheet a source reads, known once its header row is out. */
export interface XlsxSheetInfo {
  name: string;
  /** Declared uncompressed size of its XML part (0 when the zip directory does not list it). */
  xmlBytes: number;
  /** Its `<dimension ref>` ("A1:E200001"), when the sheet declares one. */
  readonly dimension: string | undefined;
}

export type XlsxRowSource = RowSource & { readonly sheet: XlsxSheetInfo | undefined };

/**
 * Rows of one worksheet of an XLSX workbook, header (its first non-empty row) first, read by the
 * exceljs streaming reader with fixed UTF-8 decoding. The zip directory is checked against the
 * limits before anything is inflated.
 */
export function xlsxRowSource(bytes: ByteSource, options: XlsxSourceOptions): XlsxRowSource {
  let bytesRead = 0;
  let sheet: XlsxSheetInfo | undefined;
  return {
    get bytesRead() {
      return bytesRead;
    },
    get sheet() {
      return sheet;
    },
    [Symbol.asyncIterator]: () =>
      readWorkbook(
        bytes,
        options,
        (n) => (bytesRead += n),
        (info) => (sheet = info),
      ),
  };
}

async function* readWorkbook(
  bytes: ByteSource,
  options: XlsxSourceOptions,
  count: (n: number) => void,
  onSheet: (sheet: XlsxSheetInfo) => void,
): AsyncGenerator<SourceRow[]> {
  const { limits, range } = options;
  const directory = await checkZipDirectory(bytes, limits);
  if (!directory.names.some((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))) {
    throw new ImportFileError('noSheet', 'The workbook has no worksheet.');
  }
  const input = await bytes.open();
  const counted = input.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        count(chunk.length);
        done(null, chunk);
      },
    }),
  );
  input.on('error', (error) => counted.destroy(error));
  // exceljs (~1 MB) is loaded by the first XLSX file read, not at every cold start of a function that imports CSV too.
  const { Utf8SafeWorkbookReader } = await import('./utf8-safe-workbook-reader.js');
  const reader = new Utf8SafeWorkbookReader(
    counted,
    { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' },
    limits.maxUncompressedBytes,
  );
  let target: string | undefined;
  let found = false;
  try {
    for await (const sheet of reader as unknown as AsyncIterable<ExcelSheet>) {
      target ??= chooseSheet((reader as { model?: ExcelModel }).model, options.sheet);
      if (found || (target !== undefined && sheet.name !== target)) continue;
      found = true;
      const entry = directory.names.indexOf(`xl/worksheets/sheet${sheet.id}.xml`);
      const dimensions = reader.dimensions;
      const sheetNo = String(sheet.id);
      onSheet({
        name: sheet.name,
        xmlBytes: entry === -1 ? 0 : directory.sizes[entry]!,
        get dimension() {
          return dimensions.get(sheetNo);
        },
      });
      let header = false;
      let block: SourceRow[] = [];
      for await (const row of sheet) {
        const cells = toCells(row.values);
        if (!header) {
          if (cells.every((cell) => cell.trim() === '')) continue;
          header = true;
          yield [{ row: row.number, cells }];
          continue;
        }
        if (range && row.number < range.from) continue;
        if (range && row.number > range.to) {
          // Past the range: stop reading (the rest of the sheet and workbook is never inflated).
          if (block.length > 0) yield block;
          return;
        }
        block.push({ row: row.number, cells });
        if (block.length >= BLOCK_ROWS) {
          yield block;
          block = [];
        }
      }
      if (block.length > 0) yield block;
      if (!header) throw new ImportFileError('empty', `The sheet "${sheet.name}" is empty.`);
    }
  } finally {
    input.destroy();
    counted.destroy();
  }
  if (!found) throw new ImportFileError('noSheet', 'The workbook has no worksheet to read.');
}

/** The sheet named like `wanted` (ignoring case and spacing) if there is one, else the first. */
function chooseSheet(model: ExcelModel | undefined, wanted: string | undefined): string | undefined {
  const sheets = model?.sheets ?? [];
  const named = wanted === undefined ? undefined : sheets.find((sheet) => headingKey(sheet.name) === headingKey(wanted));
  return (named ?? sheets[0])?.name;
}

/** exceljs row values are 1-based and sparse. */
function toCells(values: unknown[]): string[] {
  const cells: string[] = new Array(Math.max(0, values.length - 1));
  for (let index = 1; index < values.length; index++) cells[index - 1] = cellText(values[index]);
  return cells;
}
