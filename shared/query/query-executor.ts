import { type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../entity/define-entity.js';
import { budgetedCallOptions } from '../runtime/request-budget.js';
import { batchGet } from '../store/dynamodb/batch-io.js';
import { translateDynamoError } from '../store/dynamodb/dynamodb-errors.js';
import { fromRecord } from '../store/dynamodb/item-record.js';
import { mergedSortKeys } from '../store/dynamodb/sharded-index.js';
import { idOfSortKey, indexSortKey, PK } from '../store/dynamodb/table-design.js';
import { compareUtf8 } from '../store/dynamodb/utf8-order.js';
import type { StoredItem } from '../store/entity-store.js';
import { filterExpression } from './filter-expression.js';
import { planQuery, type QueryPlan, type QuerySort } from './query-plan.js';
import { matches, type Where } from './where.js';

/** Per scan segment: null = from the start, a key = resume after it, false = finished. */
export type SegmentState = Record<string, unknown> | null | false;

/** Where the next page of a plan starts. */
export type QueryPosition = { kind: 'Scan'; segments: SegmentState[] } | { kind: 'Index'; after: string } | { kind: 'BatchGet'; offset: number };

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
async function runBatchGet(
  entity: Entity,
  client: DynamoDBDocumentClient,
  table: string,
  where: Where,
  plan: Extract<QueryPlan, { kind: 'BatchGet' }>,
  options: QueryOptions,
): Promise<QueryResult> {
  const offset = options.start?.kind === 'BatchGet' ? options.start.offset : 0;
  const read = async (ids: string[]) => {
    const records = await batchGet(
      client,
      table,
      ids.map((id) => ({ [PK]: id })),
    );
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
async function runIndex(
  entity: Entity,
  client: DynamoDBDocumentClient,
  table: string,
  where: Where,
  plan: Extract<QueryPlan, { kind: 'Index' }>,
  options: QueryOptions,
): Promise<QueryResult> {
  const query = (input: QueryCommandInput) => sendTranslated(() => client.send(new QueryCommand(input), budgetedCallOptions()));
  const keys = mergedSortKeys(query, {
    table,
    index: plan.index,
    value: plan.value,
    descending: plan.descending,
    ...(plan.prefix ? { prefix: plan.prefix.key } : {}),
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
      const records = await batchGet(
        client,
        table,
        chunk.map((key) => ({ [PK]: idOfSortKey(key) })),
      );
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
async function runScan(
  entity: Entity,
  client: DynamoDBDocumentClient,
  table: string,
  where: Where,
  plan: Extract<QueryPlan, { kind: 'Scan' }>,
  options: QueryOptions,
): Promise<QueryResult> {
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
        return {
          records: (out.Items ?? []) as Record<string, unknown>[],
          next: out.LastEvaluatedKey as Record<string, unknown> | undefined,
          read: out.ScannedCount ?? 0,
        };
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

async function sendTranslated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return translateDynamoError(error);
  }
}
