import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { ImportLimitError } from '../import.errors.js';
import { formatBytes } from '../import-limits.js';

const DIMENSION = /<(?:\w+:)?dimension\s[^>]*?\bref="([^"]*)"/;
const DIMENSION_SEARCH_CHARS = 64 * 1024;

type WorkbookReaderClass = new (input: Readable, options: Record<string, unknown>) => Record<string, unknown>;
type ParseEvent = { eventType: string; value: unknown };
// The private hooks below exist on the JS class, not in its typings.
const WorkbookReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as WorkbookReaderClass;

/**
 * exceljs's streaming WorkbookReader with its UTF-8 decoding fixed. exceljs decodes each
 * inflated chunk on its own (`TextDecoder.decode(chunk)` without `stream: true`), so a
 * Vietnamese or accented character split across two chunks becomes U+FFFD (exceljs #2063,
 * #2084, #2316). Every XML part is handed to exceljs already decoded by one streaming decoder
 * per part: exceljs passes strings through untouched. The same hook counts inflated bytes, so
 * a workbook whose zip directory under-declares its sizes still stops at the limit.
 *
 * `parse` replaces exceljs's own for one more reason: a worksheet stored before the shared
 * strings (exceljs's writer and others put them last) must wait in a temporary file. exceljs
 * opens each waiting file's stream before the caller decides to read that sheet and deletes
 * the file as soon as the caller moves on, so a skipped sheet's stream can fail to open
 * (ENOENT, an error nobody listens to: the process's uncaught exception), and a reader left
 * early — a chunk stops at the end of its row range — leaves its files and descriptors in
 * /tmp until the process exits (a warm Lambda container fills its /tmp chunk by chunk). Here a
 * waiting sheet's file is opened only when the caller iterates that sheet, is closed by the
 * iteration, and the reader's directory is removed when the reader finishes, fails or is left.
 */
export class Utf8SafeWorkbookReader extends WorkbookReader {
  private inflated = 0;
  /** Per sheet number (`xl/worksheets/sheet{N}.xml`): the `ref` of its `<dimension>` element, once its start is read. */
  readonly dimensions = new Map<string, string>();

  constructor(
    input: Readable,
    options: Record<string, unknown>,
    private readonly maxInflatedBytes: number,
  ) {
    super(input, options);
  }

  async *parse(): AsyncGenerator<ParseEvent> {
    const zip = unzipper.Parse({ forceStream: true });
    const input = this.input as Readable;
    input.on('error', (error) => zip.destroy(error));
    input.pipe(zip);
    const waiting: { sheetNo: string; path: string }[] = [];
    let dir: string | undefined;
    try {
      for await (const entry of zip) {
        const sheetNo = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(entry.path)?.[1];
        if (entry.path === 'xl/_rels/workbook.xml.rels') await this._parseRels(entry);
        else if (entry.path === 'xl/workbook.xml') await this._parseWorkbook(entry);
        else if (entry.path === 'xl/styles.xml') await this._parseStyles(entry);
        else if (entry.path === 'xl/sharedStrings.xml') yield* this._parseSharedStrings(entry);
        else if (sheetNo !== undefined && this.sharedStrings && this.workbookRels) yield* this._parseWorksheet(entry, sheetNo);
        else if (sheetNo !== undefined) {
          dir ??= await mkdtemp(join(tmpdir(), 'xlsx-sheets-'));
          const path = join(dir, `sheet${sheetNo}.xml`);
          waiting.push({ sheetNo, path });
          // Counted here, as it is inflated: the file is read back uncounted.
          await pipeline(Readable.from(this.counted(entry)), createWriteStream(path)).catch((error: NodeJS.ErrnoException) => {
            throw error.code === 'ENOSPC' ? scratchFull() : error;
          });
        }
        entry.autodrain();
      }
      for (const { sheetNo, path } of waiting) {
        yield* this._parseWorksheet(new TempSheet(path), sheetNo);
        await rm(path, { force: true });
      }
    } finally {
      zip.destroy();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
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
    return (super._parseSharedStrings as (entry: Readable) => AsyncGenerator<ParseEvent>)(this.decoded(entry));
  }

  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string) {
    return (super._parseWorksheet as (iterator: AsyncIterable<string>, sheetNo: string) => Generator<ParseEvent>).call(
      this,
      this.sniffDimension(this.decode(iterator), sheetNo),
      sheetNo,
    );
  }

  /** The sheet's text unchanged, noting its `<dimension ref>` (it precedes `<sheetData>`; exceljs ignores it). */
  private async *sniffDimension(texts: AsyncIterable<string>, sheetNo: string): AsyncGenerator<string> {
    let head: string | undefined = '';
    for await (const text of texts) {
      if (head !== undefined) {
        head += text;
        const dimension = DIMENSION.exec(head);
        if (dimension) this.dimensions.set(String(sheetNo), dimension[1]!);
        if (dimension || head.includes('<sheetData') || head.length > DIMENSION_SEARCH_CHARS) head = undefined;
      }
      yield text;
    }
  }

  /** A stream of the entry's text, for the parts exceljs reads with its own stream iterator. */
  private decoded(entry: Readable): Readable {
    return Readable.from(this.decode(entry));
  }

  /** An entry's inflated bytes, refused past the workbook's limit. */
  private async *counted(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.inflated += chunk.length;
      if (this.inflated > this.maxInflatedBytes) {
        throw new ImportLimitError(
          'uncompressedBytes',
          `The workbook expands to more than ${formatBytes(this.maxInflatedBytes)}, the limit; reading stopped.`,
          { maxUncompressedBytes: this.maxInflatedBytes },
        );
      }
      yield chunk;
    }
  }

  private async *decode(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of chunks instanceof TempSheet ? chunks : this.counted(chunks as AsyncIterable<Buffer>)) {
      if (typeof chunk === 'string') {
        yield chunk;
        continue;
      }
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  }
}

/** /tmp ran out while a sheet waited there: the workbook is too big for this function, not a fault to retry. */
function scratchFull(): ImportLimitError {
  return new ImportLimitError(
    'uncompressedBytes',
    'The workbook expands to more than this function has room for (its sheets are stored before their shared strings, so they wait on disk). Split it into smaller files, or save it as CSV.',
  );
}

/** A waiting sheet's temporary file: opened when iterated, closed when the iteration ends (its bytes were counted when written). */
class TempSheet implements AsyncIterable<Buffer> {
  constructor(private readonly path: string) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const stream = createReadStream(this.path, { highWaterMark: 64 * 1024 });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
  }
}
