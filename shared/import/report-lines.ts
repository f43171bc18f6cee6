import { neutraliseFormula } from '../export/neutralise-formula.js';
import type { ReportKind } from './import-tally.js';
import type { ImportRowDetail } from './import-summary.js';

/** The report's heading: `kind,row,{id field},field,message`. */
export function reportHeader(idField: string): string {
  return `kind,row,${csvField(idField)},field,message\r\n`;
}

/**
 * One report line (CRLF, RFC 4180 quoting). Text cells go through the export's formula
 * neutraliser: ids and messages quote what the file said, and a spreadsheet must not run it.
 */
export function reportLine(idField: string, kind: ReportKind, detail: ImportRowDetail): string {
  const text = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : csvField(neutraliseFormula(String(value))));
  return `${kind},${detail.row},${text(detail[idField])},${text(detail.field)},${text(detail.message)}\r\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
