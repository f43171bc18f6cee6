/** Where a job's report lives in the imports bucket: `reports/{import_id}/…`. */
export function reportKeys(importId: string) {
  const prefix = `reports/${importId}/`;
  return {
    prefix,
    /** Every error, warning and skipped row (kind,row,id,field,message). */
    errors: `${prefix}errors.csv`,
    summary: `${prefix}summary.json`,
    /** The pieces errors.csv is assembled from: one per checkpoint that had report lines. */
    segments: `${prefix}segments/`,
  };
}
