import type { ByteSource } from '../byte-source.js';
import { RecordScanner } from './record-scanner.js';
import type { CsvByteRange } from './csv-row-source.js';

/**
 * Splits a CSV file into byte ranges of about `targetBytes`, each cut just after a record end
 * and numbered with its first spreadsheet row, so workers can read them in parallel (S3 Range
 * GETs) and report the same row numbers a single pass would. One pass over the bytes, no
 * decoding: quoted line breaks are recognised by quote parity, exactly as the reader does.
 * `stats.records` receives the number of records (header and blank lines included).
 */
export async function planCsvChunks(bytes: ByteSource, targetBytes: number, stats?: { records?: number }): Promise<CsvByteRange[]> {
  const scanner = new RecordScanner();
  const stream = await bytes.open();
  const cuts: { byte: number; row: number }[] = [];
  let offset = 0;
  let records = 0;
  let dataStart: number | undefined;
  let nextCut = 0;
  const ends: number[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    ends.length = 0;
    scanner.scan(chunk, ends);
    for (const end of ends) {
      records++;
      const absolute = offset + end;
      if (dataStart === undefined) {
        // The header is record 1; data starts after it.
        dataStart = absolute;
        cuts.push({ byte: absolute, row: 2 });
        nextCut = absolute + targetBytes;
      } else if (absolute >= nextCut && absolute < bytes.size) {
        cuts.push({ byte: absolute, row: records + 1 });
        nextCut = absolute + targetBytes;
      }
    }
    offset += chunk.length;
  }
  if (stats) stats.records = records;
  if (dataStart === undefined || dataStart >= offset) return [];
  return cuts.map((cut, index) => ({
    kind: 'bytes' as const,
    start: cut.byte,
    end: index + 1 < cuts.length ? cuts[index + 1]!.byte : offset,
    firstRow: cut.row,
  }));
}
