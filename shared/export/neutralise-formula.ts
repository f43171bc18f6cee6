/**
 * Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"): `=`,
 * `+`, `-`, `@`, and tab / carriage return, which some importers strip before evaluating.
 * Leading apostrophes are looked through so that neutralising stays reversible.
 */
const FORMULA_TRIGGER = /^'*[=+\-@\t\r]/;

/** The prefix that turns a would-be formula into text; spreadsheets show it as written. */
export const NEUTRALISING_PREFIX = "'";

/** A string cell that cannot run as a formula: a leading trigger gets a `'` in front. */
export function neutraliseFormula(value: string): string {
  return FORMULA_TRIGGER.test(value) ? `${NEUTRALISING_PREFIX}${value}` : value;
}

/**
 * The exact inverse, for importers of our own exports: `'=x` back to `=x`, `''=x` back to
 * `'=x`; `'quoted'` (no trigger after the apostrophes) stays as it is.
 */
export function restoreNeutralised(value: string): string {
  return value.startsWith(NEUTRALISING_PREFIX) && FORMULA_TRIGGER.test(value.slice(1)) ? value.slice(1) : value;
}
