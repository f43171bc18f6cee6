import Papa from 'papaparse';
import { ImportFileError } from '../import.errors.js';
import { formatBytes, type ImportLimits } from '../import-limits.js';
import type { SourceRow } from '../source-row.js';
import { detectDelimiter } from './detect-delimiter.js';
import { RecordScanner } from './record-scanner.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Turns CSV bytes, pushed chunk by chunk, into rows. Bytes are cut into blocks of whole
 * records first (exact byte offsets, guards before decoding), each block is decoded as strict
 * UTF-8 (a multi-byte character never straddles a block: blocks end at a line feed) and split
 * into fields by papaparse's parser with the delimiter of the header line.
 */
export class CsvRecordReader {
  private readonly scanner = new RecordScanner();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly ends: number[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Absolute offset of the first byte not yet handed out as part of a row. */
  private offset: number;
  private nextRow: number;
  private parser: Papa.Parser | undefined;
  private separator: string | undefined;
  private sniffed = false;

  constructor(
    private readonly limits: ImportLimits,
    start: { byte: number; row: number; delimiter?: string },
  ) {
    this.offset = start.byte;
    this.nextRow = start.row;
    if (start.delimiter !== undefined) this.useDelimiter(start.delimiter);
  }

  /** The field separator in use (detected from the header line unless given). */
  get delimiter(): string {
    return this.separator ?? ',';
  }

  private useDelimiter(delimiter: string): Papa.Parser {
    this.separator = delimiter;
    this.parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
    return this.parser;
  }

  /** Rows completed by `chunk`. */
  push(chunk: Buffer): SourceRow[] {
    if (!this.sniffed) chunk = this.sniff(chunk);
    if (chunk.indexOf(0) !== -1) {
      throw new ImportFileError(
        'binary',
        `This file contains binary data (a zero byte near byte ${this.offset + this.pendingBytes + chunk.indexOf(0)}): it is not a CSV text file. Export the sheet as "CSV UTF-8" and upload that.`,
      );
    }
    this.ends.length = 0;
    this.scanner.scan(chunk, this.ends);
    if (this.ends.length === 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.limits.maxRowBytes) this.rowTooLarge();
      return [];
    }
    const last = this.ends[this.ends.length - 1]!;
    const block = this.pending.length === 0 ? chunk.subarray(0, last) : Buffer.concat([...this.pending, chunk.subarray(0, last)]);
    const shift = this.pendingBytes;
    const ends = this.ends.map((end) => end + shift);
    this.pending = last < chunk.length ? [chunk.subarray(last)] : [];
    this.pendingBytes = chunk.length - last;
    return this.parseBlock(block, ends, true);
  }

  /** The last row when the file does not end with a line break; checks nothing was left open. */
  finish(): SourceRow[] {
    if (this.pendingBytes === 0) return [];
    if (this.scanner.open) {
      throw new ImportFileError('malformed', `Row ${this.nextRow} opens a double-quoted field that is never closed (the quote runs to the end of the file).`, {
        row: this.nextRow,
      });
    }
    const block = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return this.parseBlock(block, [block.length], false);
  }

  private parseBlock(block: Buffer, ends: number[], endsWithNewline: boolean): SourceRow[] {
    let previous = 0;
    for (let index = 0; index < ends.length; index++) {
      if (ends[index]! - previous > this.limits.maxRowBytes) this.rowTooLarge(this.nextRow + index);
      previous = ends[index]!;
    }
    let text = this.decode(block, ends);
    if (endsWithNewline) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    if (text.includes('\r')) text = text.replaceAll('\r\n', '\n');
    const parser = this.parser ?? this.useDelimiter(detectDelimiter(text.slice(0, ends[0])));
    const data: string[][] = text === '' ? [['']] : parser.parse(text, 0, false).data;
    if (data.length !== ends.length) {
      throw new ImportFileError(
        'malformed',
        `Rows ${this.nextRow}–${this.nextRow + ends.length - 1} could not be split into rows consistently: check for stray double quotes or old Mac (CR-only) line breaks.`,
        { row: this.nextRow },
      );
    }
    const rows: SourceRow[] = new Array(data.length);
    for (let index = 0; index < data.length; index++) {
      rows[index] = { row: this.nextRow + index, cells: data[index]!, endByte: this.offset + ends[index]! };
    }
    this.nextRow += data.length;
    this.offset += block.length;
    return rows;
  }

  private decode(block: Buffer, ends: number[]): string {
    try {
      return this.decoder.decode(block);
    } catch {
      let start = 0;
      let row = this.nextRow;
      for (const end of ends) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(block.subarray(start, end));
        } catch {
          break;
        }
        start = end;
        row++;
      }
      throw new ImportFileError(
        'encoding',
        `The file is not UTF-8 text: row ${row} has bytes that are not UTF-8 (Latin-1 or Windows-1252 accents?). Save it as "CSV UTF-8" and upload it again.`,
        { row },
      );
    }
  }

  /** The first bytes of the file: a UTF-8 BOM is dropped; a zip or UTF-16 text is refused. */
  private sniff(chunk: Buffer): Buffer {
    this.sniffed = true;
    if (this.offset !== 0) return chunk;
    if (chunk[0] === 0x50 && chunk[1] === 0x4b && chunk[2] === 0x03 && chunk[3] === 0x04) {
      throw new ImportFileError('wrongFormat', 'This file is an Excel workbook (XLSX/ZIP), not CSV: upload it with the .xlsx extension.');
    }
    if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
      throw new ImportFileError('encoding', 'The file is UTF-16 text; save it as "CSV UTF-8" and upload it again.');
    }
    if (UTF8_BOM.every((byte, index) => chunk[index] === byte)) {
      this.offset += 3;
      return chunk.subarray(3);
    }
    return chunk;
  }

  private rowTooLarge(row = this.nextRow): never {
    throw new ImportFileError(
      'rowTooLarge',
      `Row ${row} is larger than ${formatBytes(this.limits.maxRowBytes)}, the limit for one row: a field is far too long, or a double quote is never closed.`,
      { row, maxRowBytes: this.limits.maxRowBytes },
    );
  }
}
