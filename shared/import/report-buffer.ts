import type { ReportKind } from './import-tally.js';
import type { ImportRowDetail } from './import-summary.js';
import { reportLine } from './report-lines.js';

/**
 * The report lines decided since the last segment was written, until a checkpoint takes the
 * ones it covers. Holds at most one checkpoint interval of lines (the job checkpoints early
 * when `bytes` grows past its bound), never the whole report.
 */
export class ReportBuffer {
  private lines: { row: number; text: string }[] = [];
  private held = 0;

  constructor(private readonly idField: string) {}

  add(kind: ReportKind, detail: ImportRowDetail): void {
    const text = reportLine(this.idField, kind, detail);
    this.lines.push({ row: detail.row, text });
    this.held += text.length;
  }

  /** Characters held (≈ bytes: report lines are mostly ASCII). */
  get bytes(): number {
    return this.held;
  }

  /**
   * Removes and returns the lines of rows ≤ `row`, in row order (stable: a row's warnings stay
   * before its write error). Write errors arrive when their batch settles, after lines of rows
   * read later: sorting makes a segment the same whichever worker writes it.
   */
  take(row: number): string {
    const taken = this.lines.filter((line) => line.row <= row).sort((a, b) => a.row - b.row);
    this.lines = this.lines.filter((line) => line.row > row);
    this.held = this.lines.reduce((sum, line) => sum + line.text.length, 0);
    return taken.map((line) => line.text).join('');
  }
}
