import type { Scalar, Where } from './where.js';

/** DynamoDB FilterExpression of a where, same semantics as `matches` (null and missing are "no value"). */
export function filterExpression(where: Where, ctx: { names: Record<string, string>; values: Record<string, unknown> }): string {
  const name = (field: string) => {
    const key = `#f${Object.keys(ctx.names).length}`;
    ctx.names[key] = field;
    return key;
  };
  const value = (v: unknown) => {
    const key = `:v${Object.keys(ctx.values).length}`;
    ctx.values[key] = v;
    return key;
  };
  const isNull = (n: string) => `(attribute_not_exists(${n}) OR attribute_type(${n}, ${value('NULL')}))`;
  const eq = (field: string, v: Scalar) => {
    const n = name(field);
    return v === null ? isNull(n) : `${n} = ${value(v)}`;
  };
  if ('and' in where)
    return group(
      where.and.map((w) => filterExpression(w, ctx)),
      'AND',
    );
  if ('or' in where)
    return group(
      where.or.map((w) => filterExpression(w, ctx)),
      'OR',
    );
  if ('not' in where) return `(NOT ${filterExpression(where.not, ctx)})`;
  const ops = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
  switch (where.op) {
    case 'eq':
      return eq(where.field, where.value);
    case 'ne':
      return `(NOT ${eq(where.field, where.value)})`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return `${name(where.field)} ${ops[where.op]} ${value(where.value)}`;
    case 'between':
      return `${name(where.field)} BETWEEN ${value(where.value[0])} AND ${value(where.value[1])}`;
    case 'begins_with':
      return `begins_with(${name(where.field)}, ${value(where.value)})`;
    case 'contains':
      return `contains(${name(where.field)}, ${value(where.value)})`;
    case 'in':
      return group(
        where.value.map((v) => eq(where.field, v)),
        'OR',
      );
    case 'exists':
      return where.value ? `(NOT ${isNull(name(where.field))})` : isNull(name(where.field));
  }
}

/** DynamoDB refuses redundant parentheses: a single part stays bare. */
function group(parts: string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}
