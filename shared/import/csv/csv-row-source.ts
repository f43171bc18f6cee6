import type { Readable } from 'node:stream';
import type { ByteSource } from '../byte-source.js';
import { ImportFileError } from '../import.errors.js';
import type { ImportLimits } from '../import-limits.js';
import type { RowSource, SourceRange, SourceRow } from '../source-row.js';
import { CsvRecordReader } from './csv-record-reader.js';

export type CsvByteRange = Extract<SourceRange, { kind: 'bytes' }>;

/**
 * Rows of a CSV file (UTF-8, optional BOM, `,` `;` or tab, quoted fields with line breaks,
 * CRLF or LF), header first. With `range` only that chunk's rows are read (the header still
 * comes first, read from the start of the file); rows carry their end byte for checkpoints.
 */
export function csvRowSource(bytes: ByteSource, options: { limits: ImportLimits; range?: CsvByteRange }): RowSource {
  let bytesRead = 0;
  const count = (n: number) => (bytesRead += n);
  return {
    get bytesRead() {
      return bytesRead;
    },
    [Symbol.asyncIterator]: () => readCsv(bytes, options.limits, options.range, count),
  };
}

async function* readCsv(bytes: ByteSource, limits: ImportLimits, range: CsvByteRange | undefined, count: (n: number) => void): AsyncGenerator<SourceRow[]> {
  let reader: CsvRecordReader;
  if (range && range.start > 0) {
    const header = await readHeader(bytes, limits);
    yield [{ row: header.row, cells: header.cells }];
    reader = new CsvRecordReader(limits, { byte: range.start, row: range.firstRow, delimiter: header.delimiter });
  } else {
    reader = new CsvRecordReader(limits, { byte: 0, row: 1 });
  }
  const stream = await bytes.open(range ? { start: range.start, end: range.end } : undefined);
  let any = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count(chunk.length);
      any ||= chunk.length > 0;
      const rows = reader.push(chunk);
      if (rows.length > 0) yield rows;
    }
    const last = reader.finish();
    if (last.length > 0) yield last;
  } finally {
    stream.destroy();
  }
  if (!any && !(range && range.start > 0)) throw new ImportFileError('empty', 'The file is empty.');
}

/** Row 1 of the file and its delimiter, reading no further than the first record. */
async function readHeader(bytes: ByteSource, limits: ImportLimits): Promise<SourceRow & { delimiter: string }> {
  const stream: Readable = await bytes.open({ start: 0, end: Math.min(bytes.size, limits.maxRowBytes + 4) });
  const reader = new CsvRecordReader(limits, { byte: 0, row: 1 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const rows = reader.push(chunk);
      if (rows.length > 0) return { ...rows[0]!, delimiter: reader.delimiter };
    }
    const rows = reader.finish();
    if (rows.length > 0) return { ...rows[0]!, delimiter: reader.delimiter };
    throw new ImportFileError('empty', 'The file is empty.');
  } finally {
    stream.destroy();
  }
}
