import type { Entity } from '../entity/define-entity.js';
import { ValidationError, type ErrorDetail } from '../errors/app-error.js';

/**
 * A composable `where` specification over an entity's declared fields: field operators
 * combined with and/or/not. Validated against the entity's stored schema (field names and
 * value types); every mistake is a 422 located at the offending part (`body.where.and.1.eq`).
 */
export type FieldType = 'string' | 'number' | 'boolean';
export type Scalar = string | number | boolean | null;
export type Condition =
  | { field: string; op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'begins_with' | 'contains'; value: Scalar }
  | { field: string; op: 'between'; value: [Scalar, Scalar] }
  | { field: string; op: 'in'; value: Scalar[] }
  | { field: string; op: 'exists'; value: boolean };
export type Where = { and: Where[] } | { or: Where[] } | { not: Where } | Condition;

export const OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'begins_with', 'contains', 'in', 'exists'] as const;
export const MAX_IN = 100;
export const MAX_NODES = 50;

/** Declared field → value type, from the stored schema (nullable/optional unwrapped). */
export function fieldTypes(entity: Entity): Record<string, FieldType> {
  const types: Record<string, FieldType> = {};
  for (const [field, schema] of Object.entries(entity.storedSchema.shape)) {
    let def = (schema as { _zod: { def: { type: string; innerType?: unknown; in?: unknown } } })._zod.def;
    while ((def.type === 'nullable' || def.type === 'optional' || def.type === 'pipe') && (def.innerType ?? def.in)) {
      def = ((def.innerType ?? def.in) as typeof schema)._zod.def as typeof def;
    }
    if (def.type === 'string' || def.type === 'enum') types[field] = 'string';
    else if (def.type === 'number' || def.type === 'int') types[field] = 'number';
    else if (def.type === 'boolean') types[field] = 'boolean';
  }
  return types;
}

/** Parses and validates a where; throws one ValidationError listing every bad part. */
export function parseWhere(entity: Entity, raw: unknown, base: (string | number)[] = ['body', 'where']): Where {
  const types = fieldTypes(entity);
  const errors: ErrorDetail[] = [];
  let nodes = 0;
  const fail = (loc: (string | number)[], msg: string, type: string) => {
    errors.push({ loc, msg, type });
    return undefined;
  };
  const typed = (value: unknown, type: FieldType, loc: (string | number)[], nullable = true): value is Scalar => {
    if (value === null && nullable) return true;
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
      fail(loc, `Expected a ${type}${nullable ? ' or null' : ''}.`, 'type_error');
      return false;
    }
    return true;
  };
  const walk = (node: unknown, loc: (string | number)[]): Where | undefined => {
    if (++nodes > MAX_NODES) return fail(loc, `A where may have at most ${MAX_NODES} parts.`, 'too_complex');
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return fail(loc, 'Expected an object.', 'type_error');
    const keys = Object.keys(node);
    if (keys.length !== 1) return fail(loc, 'Expected exactly one of and, or, not or a field name.', 'where_shape');
    const key = keys[0]!;
    const value = (node as Record<string, unknown>)[key];
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value) || value.length === 0) return fail([...loc, key], 'Expected a non-empty list.', 'type_error');
      const parts = value.map((part, i) => walk(part, [...loc, key, i]));
      return parts.every(Boolean) ? ({ [key]: parts } as Where) : undefined;
    }
    if (key === 'not') {
      const inner = walk(value, [...loc, 'not']);
      return inner ? { not: inner } : undefined;
    }
    const type = types[key];
    if (!type) return fail([...loc, key], `Unknown field '${key}' of ${entity.name}.`, 'unknown_field');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail([...loc, key], 'Expected {operator: value}.', 'type_error');
    const ops = Object.keys(value);
    if (ops.length !== 1) return fail([...loc, key], 'Expected exactly one operator.', 'where_shape');
    const op = ops[0]!;
    const operand = (value as Record<string, unknown>)[op];
    const at = [...loc, key, op];
    switch (op) {
      case 'eq':
      case 'ne':
        return typed(operand, type, at) ? { field: key, op, value: operand } : undefined;
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        if (type === 'boolean') return fail(at, `'${op}' does not apply to a boolean field.`, 'operator_invalid');
        return typed(operand, type, at, false) ? { field: key, op, value: operand } : undefined;
      case 'begins_with':
      case 'contains':
        if (type !== 'string') return fail(at, `'${op}' applies to string fields only.`, 'operator_invalid');
        return typed(operand, type, at, false) ? { field: key, op, value: operand } : undefined;
      case 'between':
        if (type === 'boolean') return fail(at, `'between' does not apply to a boolean field.`, 'operator_invalid');
        if (!Array.isArray(operand) || operand.length !== 2) return fail(at, 'Expected [low, high].', 'type_error');
        return typed(operand[0], type, [...at, 0], false) && typed(operand[1], type, [...at, 1], false)
          ? { field: key, op, value: [operand[0], operand[1]] }
          : undefined;
      case 'in':
        if (!Array.isArray(operand) || operand.length === 0 || operand.length > MAX_IN) return fail(at, `Expected a list of 1–${MAX_IN} values.`, 'type_error');
        return operand.every((v, i) => typed(v, type, [...at, i])) ? { field: key, op, value: operand as Scalar[] } : undefined;
      case 'exists':
        return typeof operand === 'boolean' ? { field: key, op, value: operand } : fail(at, 'Expected true or false.', 'type_error');
      default:
        return fail(at, `Unknown operator '${op}'; one of ${OPERATORS.join(', ')}.`, 'unknown_operator');
    }
  };
  const where = walk(raw, base);
  if (!where || errors.length > 0) throw new ValidationError(errors);
  return where;
}

/** DynamoDB semantics in memory: comparisons of different types or with null/missing are false. */
export function matches(where: Where, item: Record<string, unknown>): boolean {
  if ('and' in where) return where.and.every((w) => matches(w, item));
  if ('or' in where) return where.or.some((w) => matches(w, item));
  if ('not' in where) return !matches(where.not, item);
  const actual = item[where.field];
  const present = actual !== undefined && actual !== null;
  const same = (a: unknown, b: unknown) => (a === null || a === undefined ? b === null : a === b);
  const cmp = (b: Scalar) => (present && typeof actual === typeof b && b !== null ? compare(actual as string | number, b as string | number) : undefined);
  const ordered = (b: Scalar, accept: (order: number) => boolean) => {
    const order = cmp(b);
    return order !== undefined && accept(order);
  };
  switch (where.op) {
    case 'eq':
      return same(actual, where.value);
    case 'ne':
      return !same(actual, where.value);
    case 'lt':
      return ordered(where.value, (order) => order < 0);
    case 'lte':
      return ordered(where.value, (order) => order <= 0);
    case 'gt':
      return ordered(where.value, (order) => order > 0);
    case 'gte':
      return ordered(where.value, (order) => order >= 0);
    case 'between':
      return ordered(where.value[0], (order) => order >= 0) && ordered(where.value[1], (order) => order <= 0);
    case 'begins_with':
      return typeof actual === 'string' && actual.startsWith(String(where.value));
    case 'contains':
      return typeof actual === 'string' && actual.includes(String(where.value));
    case 'in':
      return where.value.some((v) => same(actual, v));
    case 'exists':
      return present === where.value;
  }
}

/** DynamoDB compares strings by UTF-8 bytes and numbers numerically. */
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number') return a - (b as number);
  return Buffer.compare(Buffer.from(a), Buffer.from(b as string));
}
