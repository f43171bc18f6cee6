import type { BatchResult } from './import-sink.js';
import { DETAIL_LIMIT, emptySummary, firstDetails, type ImportRowDetail, type ImportSummary } from './import-summary.js';
import type { FieldIssue } from './row-cleaner.js';

/** The three kinds of report lines: a refused row, a value left empty, a duplicate skipped. */
export type ReportKind = 'error' | 'warning' | 'skipped';

/** Sees every row detail as it is decided (the summary keeps only the first 100 of each kind). */
export type DetailListener = (kind: ReportKind, detail: ImportRowDetail) => void;

/** The read side of the tally at the moment a batch was cut: what its checkpoint may claim. */
export interface TallySnapshot {
  rows: number;
  skipped: number;
  failed: number;
  warnings: number;
  errorDetails: number;
  warningDetails: number;
  skippedDetails: number;
}

/**
 * Counts of one import run, split into what reading decided (rows, skips, invalid rows,
 * warnings) and what writing decided (created, updated, rejected), so a checkpoint taken when
 * batch N is written counts exactly the rows up to batch N even while later batches are in
 * flight. Starts from a checkpoint's summary when resuming.
 */
export class ImportTally {
  private readonly base: ImportSummary;
  rows = 0;
  private skipped = 0;
  private failed = 0;
  private warnings = 0;
  private created = 0;
  private updated = 0;
  private rejected = 0;
  private readonly errorDetails: ImportRowDetail[] = [];
  private readonly warningDetails: ImportRowDetail[] = [];
  private readonly skippedDetails: ImportRowDetail[] = [];
  private readonly writeDetails: ImportRowDetail[] = [];
  private columns: string[];

  constructor(
    private readonly idField: string,
    resumed?: ImportSummary,
    private readonly onDetail?: DetailListener,
  ) {
    this.base = resumed ?? emptySummary();
    this.columns = [...this.base.unknown_columns];
  }

  unknownColumns(columns: string[]): void {
    this.columns = columns;
  }

  /** Data rows counted so far, including those of the run this one resumes. */
  get totalRows(): number {
    return this.base.total_rows + this.rows;
  }

  row(): void {
    this.rows++;
  }

  warn(row: number, id: string | null, issues: FieldIssue[]): void {
    this.warnings += issues.length;
    for (const issue of issues) this.record('warning', this.warningDetails, this.detail(row, id, issue.field, issue.message));
  }

  fail(row: number, id: string | null, issues: FieldIssue[]): void {
    this.failed++;
    for (const issue of issues) this.record('error', this.errorDetails, this.detail(row, id, issue.field, issue.message));
  }

  skip(row: number, id: string, message: string): void {
    this.skipped++;
    this.record('skipped', this.skippedDetails, this.detail(row, id, null, message));
  }

  applyWrite(ids: readonly string[], rows: readonly number[], result: BatchResult): void {
    this.created += result.created;
    this.updated += result.updated;
    this.rejected += result.errors.length;
    for (const error of result.errors) {
      const row = rows[ids.indexOf(error.id)] ?? 0;
      this.record('error', this.writeDetails, this.detail(row, error.id, this.idField, error.reason));
    }
  }

  snapshot(): TallySnapshot {
    return {
      rows: this.rows,
      skipped: this.skipped,
      failed: this.failed,
      warnings: this.warnings,
      errorDetails: this.errorDetails.length,
      warningDetails: this.warningDetails.length,
      skippedDetails: this.skippedDetails.length,
    };
  }

  /** The summary a checkpoint at `snapshot` records (write results applied so far are all at or before it). */
  summaryAt(snapshot: TallySnapshot): ImportSummary {
    const base = this.base;
    return {
      total_rows: base.total_rows + snapshot.rows,
      created: base.created + this.created,
      updated: base.updated + this.updated,
      skipped: base.skipped + snapshot.skipped,
      errors: base.errors + snapshot.failed + this.rejected,
      warnings: base.warnings + snapshot.warnings,
      error_details: firstDetails(base.error_details, this.errorDetails.slice(0, snapshot.errorDetails), this.writeDetails),
      warning_details: firstDetails(base.warning_details, this.warningDetails.slice(0, snapshot.warningDetails)),
      skipped_details: firstDetails(base.skipped_details, this.skippedDetails.slice(0, snapshot.skippedDetails)),
      unknown_columns: [...this.columns],
    };
  }

  private record(kind: ReportKind, list: ImportRowDetail[], detail: ImportRowDetail): void {
    push(list, detail);
    this.onDetail?.(kind, detail);
  }

  private detail(row: number, id: string | null, field: string | null, message: string): ImportRowDetail {
    return { row, [this.idField]: id, field, message };
  }
}

function push(list: ImportRowDetail[], detail: ImportRowDetail): void {
  if (list.length < DETAIL_LIMIT) list.push(detail);
}
