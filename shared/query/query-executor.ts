import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../entity/define-entity.js';
import { budgetedCallOptions } from '../runtime/request-budget.js';
import { batchGet } from '../store/dynamodb/batch-io.js';
import { translateDynamoError } from '../store/dynamodb/dynamodb-errors.js';
import { fromRecord } from '../store/dynamodb/item-record.js';
import { PK } from '../store/dynamodb/table-design.js';
import type { StoredItem } from '../store/entity-store.js';
import { matches, type Scalar, type Where } from './where.js';

/** How a where is answered: a key lookup, a batch of keys, or a parallel filtered scan. */
export type QueryPlan = { kind: 'GetItem'; id: string } | { kind: 'BatchGet'; ids: string[] } | { kind: 'Scan'; segments: number; filter: string };

/** Per scan segment: null = from the start, a key = resume after it, false = finished. */
export type SegmentState = Record<string, unknown> | null | false;

export interface QueryOptions {
  limit: number;
  /** Where a previous page stopped: per segment the scan's start key (absent = segment done). */
  start?: SegmentState[];
  /** Items read (before filtering) after which a page is answered even if not full. */
  readBudget: number;
  segments?: number;
}

export interface QueryResult {
  plan: QueryPlan;
  items: StoredItem[];
  itemsRead: number;
  /** Per segment where to resume; absent when everything was read. */
  next?: SegmentState[];
}

/** Chooses the plan: `id eq` → GetItem; `id in` → BatchGet; anything else → parallel Scan with FilterExpression. */
export function planQuery(entity: Entity, where: Where, segments = 4): QueryPlan {
  const key = keyCondition(entity, where);
  if (key && key.length === 1) return { kind: 'GetItem', id: key[0]! };
  if (key) return { kind: 'BatchGet', ids: key };
  return { kind: 'Scan', segments, filter: filterExpression(where, { names: {}, values: {} }) };
}

function keyCondition(entity: Entity, where: Where): string[] | undefined {
  const fromCond = (w: Where): string[] | undefined => {
    if (!('field' in w) || w.field !== entity.idField) return undefined;
    if (w.op === 'eq' && typeof w.value === 'string') return [w.value];
    if (w.op === 'in' && w.value.every((v) => typeof v === 'string')) return [...new Set(w.value as string[])];
    return undefined;
  };
  if ('and' in where) {
    for (const part of where.and) {
      const key = fromCond(part);
      if (key) return key;
    }
    return undefined;
  }
  return fromCond(where);
}

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
  if ('and' in where) return group(where.and.map((w) => filterExpression(w, ctx)), 'AND');
  if ('or' in where) return group(where.or.map((w) => filterExpression(w, ctx)), 'OR');
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
      return group(where.value.map((v) => eq(where.field, v)), 'OR');
    case 'exists':
      return where.value ? `(NOT ${isNull(name(where.field))})` : isNull(name(where.field));
  }
}

/** Runs a plan; a scan stops at `limit` items or once `readBudget` items were read, returning where to resume. */
export async function runQuery(entity: Entity, client: DynamoDBDocumentClient, table: string, where: Where, options: QueryOptions): Promise<QueryResult> {
  const plan = planQuery(entity, where, options.segments);
  if (plan.kind === 'GetItem') {
    const out = await send(() => client.send(new GetCommand({ TableName: table, Key: { [PK]: plan.id } }), budgetedCallOptions()));
    const items = out.Item ? [fromRecord(entity, out.Item)].filter((item) => matches(where, item)) : [];
    return { plan, items, itemsRead: out.Item ? 1 : 0 };
  }
  if (plan.kind === 'BatchGet') {
    const records = await batchGet(client, table, plan.ids.map((id) => ({ [PK]: id })));
    const byId = new Map(records.map((r) => [String(r[PK]), fromRecord(entity, r)]));
    const items = plan.ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])).filter((item) => matches(where, item));
    return { plan, items: items.slice(0, options.limit), itemsRead: records.length };
  }
  const ctx = { names: {} as Record<string, string>, values: {} as Record<string, unknown> };
  const filter = filterExpression(where, ctx);
  // Items of the entity only: counter shards and other internal records have no id field.
  const expression = `attribute_exists(${'#id'}) AND ${filter}`;
  ctx.names['#id'] = entity.idField;
  const segments = plan.segments;
  const state = options.start ?? Array.from({ length: segments }, () => null);
  const items: StoredItem[] = [];
  let itemsRead = 0;
  // Each round scans every unfinished segment once, in parallel, until the page or the budget is full.
  let resume: SegmentState[] = [...state];
  while (items.length < options.limit && itemsRead < options.readBudget && resume.some((s) => s !== false)) {
    const rounds = await Promise.all(
      resume.map(async (start, segment) => {
        if (start === false) return { items: [] as Record<string, unknown>[], next: undefined, read: 0 };
        const out = await send(() =>
          client.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: expression,
              ExpressionAttributeNames: ctx.names,
              ExpressionAttributeValues: Object.keys(ctx.values).length > 0 ? ctx.values : undefined,
              Limit: Math.max(25, Math.ceil(options.limit / segments) * 4),
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
            budgetedCallOptions(),
          ),
        );
        return { items: (out.Items ?? []) as Record<string, unknown>[], next: out.LastEvaluatedKey as Record<string, unknown> | undefined, read: out.ScannedCount ?? 0 };
      }),
    );
    resume = rounds.map((r, i) => (resume[i] === false ? false : (r.next ?? false)));
    for (const round of rounds) {
      itemsRead += round.read;
      items.push(...round.items.map((r) => fromRecord(entity, r)));
    }
  }
  // Page boundaries fall at round ends, so a page may carry more than `limit`: trimming would lose items.
  return { plan, items, itemsRead, next: resume.some((s) => s !== false) ? resume : undefined };
}

/** DynamoDB refuses redundant parentheses: a single part stays bare. */
function group(parts: string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}

async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return translateDynamoError(error);
  }
}
