/**
 * One row of a spreadsheet-like file. Row sources yield rows in blocks (arrays, so a million
 * rows cost thousands of async steps, not millions): the header first (row 1), then data rows
 * in order; `row` is the number a spreadsheet shows (a CSV record with quoted newlines is
 * one row).
 */
export interface SourceRow {
  row: number;
  cells: string[];
  /** CSV: byte offset just after this row, where a resumed or next chunk starts. */
  endByte?: number;
}

/** Where a source starts reading: a CSV byte range cut at row boundaries, or an XLSX row range. */
export type SourceRange = { kind: 'bytes'; start: number; end: number; firstRow: number } | { kind: 'rows'; from: number; to: number };

/** Bytes read so far, for progress (compressed bytes for XLSX). */
export interface ByteCounter {
  readonly bytesRead: number;
}

export type RowSource = AsyncIterable<SourceRow[]> & ByteCounter;
