/** One row-level problem; the id key is the entity's id field (`student_id`). */
export interface ImportRowDetail {
  row: number;
  field: string | null;
  message: string;
  [idField: string]: string | number | null;
}

/** What an import did, in the original API's shape plus warnings and ignored columns. */
export interface ImportSummary {
  total_rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  warnings: number;
  /** First 100 errors, by row. */
  error_details: ImportRowDetail[];
  /** First 100 warnings (values left empty), by row. */
  warning_details: ImportRowDetail[];
  /** First 100 skipped rows (duplicates of an earlier row), by row. */
  skipped_details: ImportRowDetail[];
  unknown_columns: string[];
}

export const DETAIL_LIMIT = 100;

/** The counts and first errors a finished job keeps from its summary (one run's, or its chunks' merged). */
export function jobTotals(summary: ImportSummary): Pick<ImportSummary, 'created' | 'updated' | 'skipped' | 'errors' | 'warnings' | 'error_details'> {
  const { created, updated, skipped, errors, warnings, error_details } = summary;
  return { created, updated, skipped, errors, warnings, error_details };
}

export function emptySummary(): ImportSummary {
  return {
    total_rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: 0,
    warnings: 0,
    error_details: [],
    warning_details: [],
    skipped_details: [],
    unknown_columns: [],
  };
}

/** `details` in row order, at most DETAIL_LIMIT (rows of concurrent batches finish out of order). */
export function firstDetails(...lists: readonly ImportRowDetail[][]): ImportRowDetail[] {
  return lists
    .flat()
    .sort((a, b) => a.row - b.row)
    .slice(0, DETAIL_LIMIT);
}
