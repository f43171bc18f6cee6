/**
 * A worksheet cell as the text a CSV export would show: formulas give their cached result,
 * numbers their shortest form (1001 → "1001", no binary noise), dates ISO-8601 (date only
 * at midnight UTC), rich text and hyperlinks their text, errors (#N/A) nothing.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    const cell = value as Record<string, unknown>;
    if ('result' in cell || 'formula' in cell || 'sharedFormula' in cell) return cellText(cell.result);
    if (Array.isArray(cell.richText)) return (cell.richText as { text?: string }[]).map((run) => run.text ?? '').join('');
    if ('text' in cell) return cellText(cell.text);
    if ('error' in cell) return '';
  }
  return String(value);
}

function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
