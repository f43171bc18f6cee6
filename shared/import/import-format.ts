/** The file formats an import reads. Kept apart from the readers: the upload door imports it without exceljs. */
export type ImportFormat = 'csv' | 'xlsx';

/** The format an object key or file name names (`imports/students/roster.xlsx` → xlsx), or undefined. */
export function formatOf(name: string): ImportFormat | undefined {
  const match = /\.(csv|xlsx)$/i.exec(name);
  return match ? (match[1]!.toLowerCase() as ImportFormat) : undefined;
}
