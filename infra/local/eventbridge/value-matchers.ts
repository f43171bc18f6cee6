import { cidrRange, parseIp } from './ip-address.js';

/** A leaf value of an event as EventBridge sees it. */
export type LeafValue = string | number | boolean | null;
/** One compiled entry of a pattern's value array. */
export type ValueMatcher = (value: LeafValue) => boolean;

/** event-ruler compares numbers as integers of millionths within ±5e9. */
const NUMBER_LIMIT = 5e9;
const MAX_DECIMALS = 6;

/** Digits after the decimal point of `value` as JSON would print it (`3.018e2` → 1). */
function decimalsOf(value: number): number {
  const [mantissa, exponent] = value.toString().split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/** A pattern number as millionths; throws the rule compiler's messages when it cannot be compared. */
export function patternNumber(value: number): number {
  if (decimalsOf(value) > MAX_DECIMALS) throw new Error(`Only values upto 6 decimals are supported ${value}`);
  if (value < -NUMBER_LIMIT || value > NUMBER_LIMIT) throw new Error(`Value must be between ${-NUMBER_LIMIT} and ${NUMBER_LIMIT}, inclusive`);
  return Math.round(value * 1e6);
}

/** An event number as millionths, or null when outside what numeric matching covers (> 6 decimals, beyond ±5e9). */
function eventNumber(value: number): number | null {
  if (value < -NUMBER_LIMIT || value > NUMBER_LIMIT) return null;
  // Hot path: cheaper than counting decimals; a 7th decimal leaves ≥ 0.1 millionth, float noise far less.
  const scaled = value * 1e6;
  const rounded = Math.round(scaled);
  return Math.abs(scaled - rounded) < 1e-3 ? rounded : null;
}

/** Case-insensitive equality to a fixed text, its folded forms computed once. */
function foldedEquals(text: string): (candidate: string) => boolean {
  const lower = text.toLowerCase();
  const upper = text.toUpperCase();
  return (candidate) => candidate.toLowerCase() === lower || candidate.toUpperCase() === upper;
}

/** A string, number, boolean or null written as-is in the pattern array. */
export function exactValue(expected: LeafValue): ValueMatcher {
  if (typeof expected === 'string') {
    // event-ruler compares IP literals as addresses ("::1" equals "0:0:0:0:0:0:0:1").
    const ip = parseIp(expected);
    if (ip) return (value) => value === expected || (typeof value === 'string' && sameIp(ip, value));
    return (value) => value === expected;
  }
  // JSON numbers of equal value parse to one double (300 = 3e2 = 300.0): what event-ruler's
  // numeric-equals plus exact-text match amount to. Booleans and null compare as themselves.
  return (value) => value === expected;
}

function sameIp(ip: { bits: number; value: bigint }, text: string): boolean {
  const other = parseIp(text);
  return other !== null && other.bits === ip.bits && other.value === ip.value;
}

export function prefix(text: string, ignoreCase = false): ValueMatcher {
  if (!ignoreCase) return (value) => typeof value === 'string' && value.startsWith(text);
  const equals = foldedEquals(text);
  return (value) => typeof value === 'string' && equals(value.slice(0, text.length));
}

export function suffix(text: string, ignoreCase = false): ValueMatcher {
  if (!ignoreCase) return (value) => typeof value === 'string' && value.endsWith(text);
  const equals = foldedEquals(text);
  return (value) => typeof value === 'string' && value.length >= text.length && equals(value.slice(value.length - text.length));
}

export function equalsIgnoreCase(text: string): ValueMatcher {
  const equals = foldedEquals(text);
  return (value) => typeof value === 'string' && equals(value);
}

/**
 * `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. Throws
 * the rule compiler's messages on `**` and on any other escape.
 */
export function wildcard(text: string): ValueMatcher {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '*') {
      if (text[i + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${i}`);
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`Invalid escape character at pos ${i}`);
      source += `\\${next}`;
      i++;
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`, 'u');
  return (value) => typeof value === 'string' && regex.test(value);
}

export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

/** A numeric condition: `= x`, one bound, or a lower bound followed by an upper one. */
export function numericRange(conditions: readonly { operator: NumericOperator; bound: number }[]): ValueMatcher {
  const scaled = conditions.map(({ operator, bound }) => ({ operator, bound: patternNumber(bound) }));
  return (value) => {
    if (typeof value !== 'number') return false;
    const n = eventNumber(value);
    if (n === null) return false;
    return scaled.every(({ operator, bound }) => {
      switch (operator) {
        case '=':
          return n === bound;
        case '<':
          return n < bound;
        case '<=':
          return n <= bound;
        case '>':
          return n > bound;
        case '>=':
          return n >= bound;
        default:
          return false;
      }
    });
  };
}

export function cidr(block: string): ValueMatcher {
  const range = cidrRange(block);
  return (value) => {
    if (typeof value !== 'string') return false;
    const ip = parseIp(value);
    return ip !== null && ip.bits === range.bits && ip.value >= range.low && ip.value <= range.high;
  };
}

/** Matches every leaf value (string, number, boolean or null) that none of `excluded` matches. */
export function anythingBut(excluded: readonly ValueMatcher[]): ValueMatcher {
  return (value) => {
    for (const matcher of excluded) if (matcher(value)) return false;
    return true;
  };
}
