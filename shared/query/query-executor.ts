import { type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../entity/define-entity.js';
import { filterValue } from '../entity/filter-value.js';
import { budgetedCallOptions } from '../runtime/request-budget.js';
import { batchGet } from '../store/dynamodb/batch-io.js';
import { translateDynamoError } from '../store/dynamodb/dynamodb-errors.js';
import { fromRecord } from '../store/dynamodb/item-record.js';
import { mergedSortKeys } from '../store/dynamodb/sharded-index.js';
import { idOfSortKey, type IndexDesign, indexFor, indexSortKey, PK, tableDesign } from '../store/dynamodb/table-design.js';
import { compareUtf8 } from '../store/dynamodb/utf8-order.js';
import type { StoredItem } from '../store/entity-store.js';
import { matches, type Scalar, type Where } from './where.js';

/** An order of the results: a declared sort of the entity, ascending or descending. */
export interface QuerySort {
  field: string;
  descending: boolean;
}

/**
 * How a where is answered: a key lookup, a batch of keys, a Query of a declared sorted index
 * (all its write shards merged in order), or a parallel filtered Scan.
 */
export type QueryPlan =
  | { kind: 'GetItem'; id: string }
  | { kind: 'BatchGet'; ids: string[]; sort?: QuerySort }
  | { kind: 'Index'; index: IndexDesign; value?: string; descending: boolean }
  | { kind: 'Scan'; segments: number; filter: string };

/** Per scan segment: null = from the start, a key = resume after it, false = finished. */
export type SegmentState = Record<string, unknown> | null | false;

/** Where the next page of a plan starts. */
export type QueryPosition =
  | { kind: 'Scan'; segments: SegmentState[] }
  | { kind: 'Index'; after: string }
  | { kind: 'BatchGet'; offset: number };

export interface QueryOptions {
  /** Most items in one page (1–100); a page never holds more. */
  limit: number;
  /** Where a previous page stopped (its `next`); must belong to the same plan. */
  start?: QueryPosition;
  /** Items read (before filtering) after which a page is answered even if not full. */
  readBudget: number;
  segments?: number;
  /** Order of the results; served by the sort's index unless the where names the keys. */
  sort?: QuerySort;
}

export interface QueryResult {
  plan: QueryPlan;
  items: StoredItem[];
  itemsRead: number;
  /** Where the next page starts; absent when everything was read. */
  next?: QueryPosition;
}

/** BatchGetItem reads at most 100 keys: the largest chunk an index page fetches at once. */
const MAX_CHUNK = 100;

/**
 * Chooses the plan: `id eq` → GetItem; `id in` → BatchGet; a sort, or an `eq` on a declared
 * filter field → Query of the matching sorted index (inside the filter value's partitions when
 * there is one; the where still filters what it returns); anything else → parallel Scan.
 */
export function planQuery(entity: Entity, where: Where, options: { segments?: number; sort?: QuerySort } = {}): QueryPlan {
  const key = keyCondition(entity, where);
  if (key && key.length === 1) return { kind: 'GetItem', id: key[0]! };
  if (key) return { kind: 'BatchGet', ids: key, ...(options.sort ? { sort: options.sort } : {}) };
  const filter = filterCondition(entity, where);
  if (options.sort || filter) {
    const index = indexFor(tableDesign(entity), options.sort?.field ?? entity.list.defaultSort, filter?.name);
    return { kind: 'Index', index, ...(filter ? { value: filter.value } : {}), descending: options.sort?.descending ?? false };
  }
  return { kind: 'Scan', segments: options.segments ?? 4, filter: filterExpression(where, { names: {}, values: {} }) };
}

/** The plan in a few words, for the `X-Query-Plan` header and the log. */
export function describePlan(plan: QueryPlan, readBudget: number): string {
  switch (plan.kind) {
    case 'GetItem':
      return 'get';
    case 'BatchGet':
      return `batch-get(${plan.ids.length})`;
    case 'Index':
      return `index(${plan.index.name}, shards=${plan.index.shards})`;
    case 'Scan':
      return `scan(parallel=${plan.segments}, budget=${readBudget})`;
  }
}

/** The parts a plan can use: the where itself or the parts of a top-level `and`. */
const conjuncts = (where: Where): Where[] => ('and' in where ? where.and : [where]);

function keyCondition(entity: Entity, where: Where): string[] | undefined {
  for (const w of conjuncts(where)) {
    if (!('field' in w) || w.field !== entity.idField) continue;
    if (w.op === 'eq' && typeof w.value === 'string') return [w.value];
    if (w.op === 'in' && w.value.every((v) => typeof v === 'string')) return [...new Set(w.value as string[])];
  }
  return undefined;
}

/** A declared filter pinned by `eq`: its index partitions hold a superset (case-folded) of the matches. */
function filterCondition(entity: Entity, where: Where): { name: string; value: string } | undefined {
  for (const w of conjuncts(where)) {
    if (!('field' in w) || w.op !== 'eq') continue;
    const name = Object.keys(entity.list.filters).find((filter) => entity.list.filters[filter]!.field === w.field);
    const value = filterValue(w.value);
    if (name && value) return { name, value };
  }
  return undefined;
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

/**
 * Runs the plan of a where, one page at a time. A page holds at most `limit` items and is
 * answered early (with `next`) once `readBudget` items were read, so a selective where over a
 * large table returns a short page and a cursor instead of timing out.
 */
export async function runQuery(entity: Entity, client: DynamoDBDocumentClient, table: string, where: Where, options: QueryOptions): Promise<QueryResult> {
  const plan = planQuery(entity, where, options);
  const send = <T>(call: () => Promise<T>) => sendTranslated(call);
  if (options.start && options.start.kind !== plan.kind) throw new Error(`a ${options.start.kind} position cannot resume a ${plan.kind} plan`);
  switch (plan.kind) {
    case 'GetItem': {
      const out = await send(() => client.send(new GetCommand({ TableName: table, Key: { [PK]: plan.id } }), budgetedCallOptions()));
      const items = out.Item ? [fromRecord(entity, out.Item)].filter((item) => matches(where, item)) : [];
      return { plan, items, itemsRead: out.Item ? 1 : 0 };
    }
    case 'BatchGet':
      return runBatchGet(entity, client, table, where, plan, options);
    case 'Index':
      return runIndex(entity, client, table, where, plan, options);
    case 'Scan':
      return runScan(entity, client, table, where, plan, options);
  }
}

/**
 * At most 100 ids (the where's limit on `in`). Unsorted: the ids are paged in the order given.
 * Sorted: every id is read, and the matches are ordered as the sort's index orders them.
 */
async function runBatchGet(entity: Entity, client: DynamoDBDocumentClient, table: string, where: Where, plan: Extract<QueryPlan, { kind: 'BatchGet' }>, options: QueryOptions): Promise<QueryResult> {
  const offset = options.start?.kind === 'BatchGet' ? options.start.offset : 0;
  const read = async (ids: string[]) => {
    const records = await batchGet(client, table, ids.map((id) => ({ [PK]: id })));
    const byId = new Map(records.map((r) => [String(r[PK]), fromRecord(entity, r)]));
    return { items: ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])).filter((item) => matches(where, item)), read: records.length };
  };
  if (!plan.sort) {
    const end = offset + options.limit;
    const { items, read: itemsRead } = await read(plan.ids.slice(offset, end));
    return { plan, items, itemsRead, ...(end < plan.ids.length ? { next: { kind: 'BatchGet', offset: end } } : {}) };
  }
  const { items, read: itemsRead } = await read(plan.ids);
  const sort = entity.list.sorts[plan.sort.field]!;
  const sign = plan.sort.descending ? -1 : 1;
  const keyOf = (item: StoredItem) => indexSortKey(sort.encode({ ...item, ...entity.derive(item as never) }), String(item[entity.idField]));
  const keyed = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => sign * compareUtf8(a.key, b.key));
  const end = offset + options.limit;
  return { plan, items: keyed.slice(offset, end).map((k) => k.item), itemsRead, ...(end < keyed.length ? { next: { kind: 'BatchGet', offset: end } } : {}) };
}

/**
 * Walks the index's keys in order (every shard queried and k-way merged, as the list does),
 * fetches their items in chunks with BatchGetItem and keeps those the where matches. The
 * position is the last sort key looked at: the next page resumes strictly after it.
 */
async function runIndex(entity: Entity, client: DynamoDBDocumentClient, table: string, where: Where, plan: Extract<QueryPlan, { kind: 'Index' }>, options: QueryOptions): Promise<QueryResult> {
  const query = (input: QueryCommandInput) => sendTranslated(() => client.send(new QueryCommand(input), budgetedCallOptions()));
  const keys = mergedSortKeys(query, {
    table,
    index: plan.index,
    value: plan.value,
    descending: plan.descending,
    after: options.start?.kind === 'Index' ? options.start.after : undefined,
    batch: Math.min(MAX_CHUNK, options.limit),
  })[Symbol.asyncIterator]();
  const items: StoredItem[] = [];
  let itemsRead = 0;
  let last: string | undefined;
  let exhausted = false;
  // Chunks start at what the page still needs and double while the where keeps rejecting.
  let size = options.limit;
  try {
    page: while (items.length < options.limit && itemsRead < options.readBudget) {
      const want = Math.max(1, Math.min(MAX_CHUNK, size, options.readBudget - itemsRead));
      const chunk: string[] = [];
      while (chunk.length < want) {
        const next = await keys.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        chunk.push(next.value);
      }
      if (chunk.length === 0) break;
      const records = await batchGet(client, table, chunk.map((key) => ({ [PK]: idOfSortKey(key) })));
      itemsRead += records.length;
      const byId = new Map(records.map((r) => [String(r[PK]), fromRecord(entity, r)]));
      for (const key of chunk) {
        last = key;
        // An index entry whose item is gone (deleted since) is skipped.
        const item = byId.get(idOfSortKey(key));
        if (item && matches(where, item)) items.push(item);
        if (items.length === options.limit) {
          exhausted &&= key === chunk.at(-1);
          break page;
        }
      }
      if (exhausted) break;
      size *= 2;
    }
  } finally {
    await keys.return?.(undefined);
  }
  return { plan, items, itemsRead, ...(!exhausted && last !== undefined ? { next: { kind: 'Index', after: last } } : {}) };
}

/**
 * Scans every unfinished segment in parallel, round after round, until the page is full or
 * the budget is spent. Items are taken segment by segment; a segment whose items did not all
 * fit resumes right after the last one taken (any item key is a valid ExclusiveStartKey).
 */
async function runScan(entity: Entity, client: DynamoDBDocumentClient, table: string, where: Where, plan: Extract<QueryPlan, { kind: 'Scan' }>, options: QueryOptions): Promise<QueryResult> {
  const ctx = { names: {} as Record<string, string>, values: {} as Record<string, unknown> };
  const filter = filterExpression(where, ctx);
  // Items of the entity only: counter shards and other internal records have no id field.
  const expression = `attribute_exists(${'#id'}) AND ${filter}`;
  ctx.names['#id'] = entity.idField;
  const segments = plan.segments;
  const start = options.start?.kind === 'Scan' ? options.start.segments : undefined;
  if (start && start.length !== segments) throw new Error(`a position of ${start.length} segments cannot resume a scan of ${segments}`);
  let resume: SegmentState[] = start ? [...start] : Array.from({ length: segments }, () => null);
  const items: StoredItem[] = [];
  let itemsRead = 0;
  while (items.length < options.limit && itemsRead < options.readBudget && resume.some((s) => s !== false)) {
    const active = resume.filter((s) => s !== false).length;
    // Spread what is left of the budget over the active segments so a round cannot overshoot it.
    const perSegment = Math.max(1, Math.min(Math.max(25, Math.ceil(options.limit / segments) * 4), Math.ceil((options.readBudget - itemsRead) / active)));
    const previous = resume;
    const rounds = await Promise.all(
      previous.map(async (from, segment) => {
        if (from === false) return { records: [] as Record<string, unknown>[], next: undefined, read: 0 };
        const out = await sendTranslated(() =>
          client.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: expression,
              ExpressionAttributeNames: ctx.names,
              ExpressionAttributeValues: Object.keys(ctx.values).length > 0 ? ctx.values : undefined,
              Limit: perSegment,
              ...(from ? { ExclusiveStartKey: from } : {}),
            }),
            budgetedCallOptions(),
          ),
        );
        return { records: (out.Items ?? []) as Record<string, unknown>[], next: out.LastEvaluatedKey as Record<string, unknown> | undefined, read: out.ScannedCount ?? 0 };
      }),
    );
    resume = rounds.map((round, segment) => {
      if (previous[segment] === false) return false;
      itemsRead += round.read;
      const taken = round.records.slice(0, Math.max(0, options.limit - items.length));
      items.push(...taken.map((r) => fromRecord(entity, r)));
      if (taken.length === round.records.length) return round.next ?? false;
      return taken.length === 0 ? previous[segment]! : { [PK]: taken.at(-1)![PK] };
    });
  }
  return { plan, items, itemsRead, ...(resume.some((s) => s !== false) ? { next: { kind: 'Scan', segments: resume } } : {}) };
}

/** DynamoDB refuses redundant parentheses: a single part stays bare. */
function group(parts: string[], op: 'AND' | 'OR'): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}

async function sendTranslated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return translateDynamoError(error);
  }
}
