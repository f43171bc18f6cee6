import { type ErrorDetail, ValidationError } from '../errors/app-error.js';

type Loc = (string | number)[];

/** A translated where and how to point at the part of the original a v1 error location names. */
export interface CompatWhere {
  /** The v1 where (`shared/query/where.ts`), or undefined when the input names nothing. */
  where: unknown;
  /** A location inside the v1 where → the same place in the original input. */
  locate(loc: Loc): Loc;
}

const COMBINATORS = new Set(['and', 'or', 'not']);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The original API's where (`{"hometown": "Hanoi", "math_score": 8}`): each key is a field
 * whose value is matched exactly, a list matches any of its values (`in`), and an object is a
 * v1 condition (`{"math_score": {"gte": 8}}`) — so every v1 where is also accepted as is
 * (`and`/`or`/`not` keys pass through). Several keys are all required (`and`). An empty
 * object or no input means "no where": the query then reads every row, update and delete
 * refuse it (400). Anything else is handed on for the v1 parser to reject at its place.
 */
export function compatWhere(input: unknown): CompatWhere {
  if (input === undefined || input === null || (isPlainObject(input) && Object.keys(input).length === 0)) return { where: undefined, locate: (loc) => loc };
  if (!isPlainObject(input)) return { where: input, locate: (loc) => loc };
  const keys = Object.keys(input);
  const parts = keys.map((key) => part(key, input[key]));
  if (parts.length === 1) return { where: parts[0]!.where, locate: parts[0]!.locate };
  return {
    where: { and: parts.map((p) => p.where) },
    locate: (loc) => {
      const index = loc[1];
      if (loc[0] !== 'and' || typeof index !== 'number' || !parts[index]) return [];
      return parts[index]!.locate(loc.slice(2));
    },
  };
}

function part(key: string, value: unknown): { where: unknown; locate(loc: Loc): Loc } {
  if (COMBINATORS.has(key) || isPlainObject(value)) return { where: { [key]: value }, locate: (loc) => loc };
  const op = Array.isArray(value) ? 'in' : 'eq';
  // [field, op, …rest] → [field, …rest]: the client wrote no operator.
  return { where: { [key]: { [op]: value } }, locate: (loc) => (loc[0] === key && loc[1] === op ? [key, ...loc.slice(2)] : loc) };
}

/**
 * Runs `work` and rewrites the locations of a 422 it throws with `map` (a v1 location such as
 * `["body","where","math_score","eq"]` → where the client put it: `["body","input","math_score"]`).
 */
export async function relocating<T>(map: (loc: Loc) => Loc, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.errors.map((detail): ErrorDetail => ({ ...detail, loc: map(detail.loc) })),
      error.message,
    );
  }
}
