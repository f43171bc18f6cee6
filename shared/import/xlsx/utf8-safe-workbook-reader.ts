import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ImportLimitError } from '../import.errors.js';
import { formatBytes } from '../import-limits.js';

type WorkbookReaderClass = new (input: Readable, options: Record<string, unknown>) => Record<string, unknown>;
// The private hooks below exist on the JS class, not in its typings.
const WorkbookReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as WorkbookReaderClass;

/**
 * exceljs's streaming WorkbookReader with its UTF-8 decoding fixed. exceljs decodes each
 * inflated chunk on its own (`TextDecoder.decode(chunk)` without `stream: true`), so a
 * Vietnamese or accented character split across two chunks becomes U+FFFD (exceljs #2063,
 * #2084, #2316). Every XML part is handed to exceljs already decoded by one streaming decoder
 * per part: exceljs passes strings through untouched. The same hook counts inflated bytes, so
 * a workbook whose zip directory under-declares its sizes still stops at the limit.
 */
export class Utf8SafeWorkbookReader extends WorkbookReader {
  private inflated = 0;

  constructor(
    input: Readable,
    options: Record<string, unknown>,
    private readonly maxInflatedBytes: number,
  ) {
    super(input, options);
  }

  _parseRels(entry: Readable) {
    return (super._parseRels as (entry: Readable) => Promise<void>)(this.decoded(entry));
  }

  _parseWorkbook(entry: Readable) {
    return (super._parseWorkbook as (entry: Readable) => Promise<void>)(this.decoded(entry));
  }

  _parseStyles(entry: Readable) {
    return (super._parseStyles as (entry: Readable) => Promise<void>)(this.decoded(entry));
  }

  _parseSharedStrings(entry: Readable) {
    return (super._parseSharedStrings as (entry: Readable) => AsyncGenerator)(this.decoded(entry));
  }

  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string) {
    return (super._parseWorksheet as (iterator: AsyncIterable<string>, sheetNo: string) => Generator).call(this, this.decode(iterator), sheetNo);
  }

  /** A stream of the entry's text, for the parts exceljs reads with its own stream iterator. */
  private decoded(entry: Readable): Readable {
    return Readable.from(this.decode(entry));
  }

  private async *decode(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of chunks) {
      if (typeof chunk === 'string') {
        yield chunk;
        continue;
      }
      this.inflated += chunk.length;
      if (this.inflated > this.maxInflatedBytes) {
        throw new ImportLimitError(
          'uncompressedBytes',
          `The workbook expands to more than ${formatBytes(this.maxInflatedBytes)}, the limit; reading stopped.`,
          { maxUncompressedBytes: this.maxInflatedBytes },
        );
      }
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  }
}
