const POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);
/** Integers of up to 15 digits and powers of ten up to 10²² are exact doubles (Clinger's fast path). */
const MAX_FAST_DIGITS = 15;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * A number cell as a spreadsheet user writes it: optional sign, digits, a `.` or `,` decimal
 * separator ("8,5" = 8.5), no exponent, no spaces; NaN for anything else. Equal to
 * `Number(text)` with the comma replaced, without the generic string-to-double conversion:
 * a mantissa of at most 15 digits divided by an exact power of ten is the correctly rounded
 * value, as `Number` gives (longer mantissas take `Number` itself).
 */
export function parseDecimal(text: string): number {
  const length = text.length;
  let index = 0;
  let code = text.charCodeAt(0);
  const negative = code === 0x2d;
  if (negative || code === 0x2b) code = text.charCodeAt(++index);
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; index < length; code = text.charCodeAt(++index)) {
    if (code >= ZERO && code <= NINE) {
      mantissa = mantissa * 10 + (code - ZERO);
      digits++;
      if (decimals >= 0) decimals++;
    } else if ((code === 0x2e || code === 0x2c) && decimals < 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  if (decimals < 0) decimals = 0;
  if (digits > MAX_FAST_DIGITS) return Number(text.replace(',', '.'));
  const value = mantissa / POWERS_OF_TEN[decimals]!;
  return negative ? -value : value;
}
