import type { Entity } from '../entity/define-entity.js';
import { type FieldType, fieldTypes } from '../query/where.js';

type Loc = (string | number)[];

/** Query-string keys that page the answer; every other key is a filter. */
const PAGING = new Set(['sort', 'limit', 'cursor', 'fields']);
const LISTS = new Set(['in', 'between']);
/** `field` or `field[operator]`. */
const FILTER = /^([^[\]]+)(?:\[([^[\]]+)\])?$/;

/** `GET /api/{table}/query?…` as the body of `POST …/query`, and where each body location came from. */
export interface ParamsAsBody {
  body: Record<string, unknown>;
  /** A location in that body (`["body","input",…]`, `["body","limit"]`) → its query parameter. */
  locate(loc: Loc): Loc;
}

/**
 * The query string of the original `GET /api/{table}/query`: `field=value` matches exactly,
 * `field[op]=value` applies a v1 operator (`math_score[gte]=8`; `in` and `between` take
 * comma-separated values; `exists` true/false), several filters must all match; `sort`,
 * `limit`, `cursor` and `fields` (comma-separated) page it as in the body. Values are typed
 * from the entity's stored schema (`8` is a number for a numeric field); one that does not
 * fit is left as text for the where's parser to refuse at its parameter (422).
 */
export function paramsAsBody(entity: Entity, params: Record<string, string>): ParamsAsBody {
  const types = fieldTypes(entity);
  const body: Record<string, unknown> = {};
  const parts: { name: string; where: Record<string, unknown> }[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (PAGING.has(name)) {
      body[name] = name === 'limit' && /^\d+$/.test(value) ? Number(value) : name === 'fields' ? value.split(',').map((field) => field.trim()) : value;
      continue;
    }
    const [, field = name, op = 'eq'] = FILTER.exec(name) ?? [];
    const type = types[field];
    const operand = LISTS.has(op) ? value.split(',').map((item) => typed(item.trim(), type)) : op === 'exists' ? typed(value, 'boolean') : typed(value, type);
    parts.push({ name, where: { [field]: { [op]: operand } } });
  }
  if (parts.length === 1) body.input = parts[0]!.where;
  else if (parts.length > 1) body.input = { and: parts.map((part) => part.where) };
  return {
    body,
    locate: (loc) => {
      if (loc[0] !== 'body') return loc;
      if (loc[1] !== 'input') return ['query', ...loc.slice(1)];
      const part = parts.length === 1 ? parts[0] : typeof loc[3] === 'number' ? parts[loc[3]] : undefined;
      return ['query', part?.name ?? 'where'];
    },
  };
}

function typed(value: string, type: FieldType | undefined): unknown {
  if (type === 'number' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
