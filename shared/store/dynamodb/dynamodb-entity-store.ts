import { type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type TransactItems, transactWrite } from './transact-write.js';
import type { DomainEvent } from '../../../events/catalog.js';
import { outboxPut } from '../../events/outbox-record.js';
import { invalidCursor } from '../../cursor/cursor-codec.js';
import type { Entity } from '../../entity/define-entity.js';
import { filterValue } from '../../entity/filter-value.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { ConcurrentModificationError, EntityAlreadyExistsError } from '../../entity/entity.errors.js';
import type {
  BulkEntityStore,
  CounterDelta,
  ListFilter,
  ListPage,
  ListQuery,
  PutManyOptions,
  PutManyResult,
  SearchableStore,
  SearchMatch,
  SearchMatches,
  SearchQuery,
  StartKey,
  StoredItem,
} from '../entity-store.js';
import { batchGet, batchWrite } from './batch-io.js';
import { addToDelta, counterDeltaUpdates, noDelta } from './counter-delta.js';
import { pastOpenCircuit } from './dynamodb-circuit.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { fromRecord, toRecord } from './item-record.js';
import { type SearchPass, searchPass } from './search-pass.js';
import { compareUtf8 } from './utf8-order.js';
import { countSharded, mergedSortKeys } from './sharded-index.js';
import { counterKey, counterKeyFor, counterKeys, idOfSortKey, indexFor, PK, type TableDesign, tableDesign } from './table-design.js';

/** Attempts of a transaction cancelled by TransactionConflict before answering 503. */
/** Keys a shard reads per round trip beyond its fair share of the walk. */
const WALK_SLACK = 1.25;
const MAX_WALK_BATCH = 1_000;

/**
 * DynamoDB adapter of the entity store (physical design: ./table-design.ts). Single-item
 * writes are transactions that move one counter shard each; list pages merge the sharded
 * keys-only index and fetch their items with one BatchGetItem; bulk writes are
 * BatchWriteItem plus an aggregated counter delta. An entity's change events are outbox rows
 * (`outboxTable`) in the transaction of the write that causes them.
 */
export class DynamoDbEntityStore implements BulkEntityStore, SearchableStore {
  readonly design: TableDesign;

  constructor(
    private readonly entity: Entity,
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The outbox table (`OUTBOX_TABLE_NAME`): needed only by writes that carry events. */
    private readonly outboxTable = '',
  ) {
    this.design = tableDesign(entity);
  }

  async get(id: string, options: { consistent?: boolean } = {}): Promise<StoredItem | undefined> {
    const command = new GetCommand({ TableName: this.tableName, Key: { [PK]: id }, ...(options.consistent ? { ConsistentRead: true } : {}) });
    const out = await this.send(() => this.client.send(command, budgetedCallOptions()));
    return out.Item ? fromRecord(this.entity, out.Item) : undefined;
  }

  async getMany(ids: readonly string[], consistent = false): Promise<StoredItem[]> {
    const unique = [...new Set(ids)];
    const records = await batchGet(
      this.client,
      this.tableName,
      unique.map((id) => ({ [PK]: id })),
      { consistent },
    );
    const byId = new Map(records.map((record) => [String(record[PK]), record]));
    return ids.flatMap((id) => {
      const record = byId.get(id);
      return record ? [fromRecord(this.entity, record)] : [];
    });
  }

  async create(item: StoredItem, events: readonly DomainEvent[] = []): Promise<void> {
    const id = this.idOf(item);
    const items: TransactItems = [
      {
        Put: { TableName: this.tableName, Item: this.record(item), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } },
      },
      ...this.counterUpdates(id, this.filtersOf(item), +1),
      ...this.outboxPuts(events),
    ];
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new EntityAlreadyExistsError(this.entity.singular, id);
      translateDynamoError(error);
    }
  }

  async replace(next: StoredItem, previous: StoredItem, events: readonly DomainEvent[] = []): Promise<void> {
    const id = this.idOf(previous);
    const before = this.filtersOf(previous);
    const after = this.filtersOf(next);
    const items: TransactItems = [
      { Put: { TableName: this.tableName, Item: this.record(next), ...versionCondition(previous.version) } },
      ...this.counterUpdates(id, moved(before, after), -1, false),
      ...this.counterUpdates(id, moved(after, before), +1, false),
      ...this.outboxPuts(events),
    ];
    await this.transact(items, id);
  }

  async remove(previous: StoredItem, events: readonly DomainEvent[] = []): Promise<void> {
    const id = this.idOf(previous);
    const items: TransactItems = [
      { Delete: { TableName: this.tableName, Key: { [PK]: id }, ...versionCondition(previous.version) } },
      ...this.counterUpdates(id, this.filtersOf(previous), -1),
      ...this.outboxPuts(events),
    ];
    await this.transact(items, id);
  }

  /** The outbox rows of a write's events (shared/events/outbox-record.ts), after the item and its counters. */
  private outboxPuts(events: readonly DomainEvent[]): TransactItems {
    if (events.length === 0) return [];
    if (!this.outboxTable) throw new Error(`OUTBOX_TABLE_NAME is not set: ${this.entity.name} changes cannot be written without their events`);
    return events.map((event) => outboxPut(event, this.outboxTable));
  }

  async putMany(items: readonly StoredItem[], options: PutManyOptions): Promise<PutManyResult> {
    // Last one wins within a call: BatchWriteItem refuses the same key twice in a request.
    const byId = new Map(items.map((item) => [this.idOf(item), item]));
    const current = new Map((await this.getMany([...byId.keys()], true)).map((item) => [this.idOf(item), item]));
    // Each written id's counter move, kept apart so a failed write can count what it stored.
    const moves = new Map<string, (delta: CounterDelta) => void>();
    const records: Record<string, unknown>[] = [];
    for (const [id, item] of byId) {
      const old = current.get(id);
      if (!old) {
        moves.set(id, (delta) => addToDelta(delta, this.filtersOf(item), +1));
        records.push(this.record(item));
      } else if (options.mode === 'upsert') {
        const next = { ...item, created_at: old.created_at, version: old.version + 1 } as StoredItem;
        moves.set(id, (delta) => {
          addToDelta(delta, moved(this.filtersOf(old), this.filtersOf(next)), -1, false);
          addToDelta(delta, moved(this.filtersOf(next), this.filtersOf(old)), +1, false);
        });
        records.push(this.record(next));
      }
    }
    const deltaOf = (ids: Iterable<string>) => {
      const delta = noDelta();
      for (const id of ids) moves.get(id)!(delta);
      return delta;
    };
    const stored = new Set<string>();
    const idOfRequest = (request: object) => String((request as { PutRequest: { Item: Record<string, unknown> } }).PutRequest.Item[PK]);
    try {
      await batchWrite(
        this.client,
        this.tableName,
        records.map((record) => ({ PutRequest: { Item: record } })),
        options.concurrency,
        (sent, unprocessed) => {
          for (const request of sent) stored.add(idOfRequest(request));
          for (const request of unprocessed) stored.delete(idOfRequest(request));
        },
      );
    } catch (error) {
      options.onInterrupted?.(deltaOf(stored));
      throw error;
    }
    return { written: records.length, existing: [...current.keys()], delta: deltaOf(moves.keys()) };
  }

  async applyCounterDelta(delta: CounterDelta, seed: string): Promise<void> {
    const updates = counterDeltaUpdates(this.design, this.tableName, delta, seed);
    for (let i = 0; i < updates.length; i += 100) {
      await this.transact(
        updates.slice(i, i + 100).map((update) => ({ Update: update })),
        seed,
      );
    }
  }

  async list(query: ListQuery): Promise<ListPage> {
    const index = indexFor(this.design, query.sort, query.filter?.name);
    const after = query.startKey === undefined ? undefined : query.startKey.after;
    if (query.startKey !== undefined && typeof after !== 'string') {
      throw invalidCursor('The cursor was issued before the list indexes changed; start again from page 1.');
    }
    const wanted = query.skip + query.pageSize;
    const batch = Math.min(MAX_WALK_BATCH, Math.ceil((wanted / index.shards) * WALK_SLACK) + query.pageSize);
    const keys = mergedSortKeys((input) => this.query(input), {
      table: this.tableName,
      index,
      value: query.filter?.value,
      descending: query.descending,
      search: query.search,
      after,
      batch: query.skip === 0 ? query.pageSize : batch,
    });
    const page: string[] = [];
    let passed = 0;
    for await (const key of keys) {
      if (passed < query.skip) {
        passed++;
        continue;
      }
      page.push(key);
      if (page.length === query.pageSize) break;
    }
    const items = await this.getMany(page.map(idOfSortKey));
    // No key when the index ran out before the page was full.
    return { items, lastKey: page.length === query.pageSize ? { after: page.at(-1)! } : undefined };
  }

  async count(query: { filter?: ListFilter; search?: string }): Promise<number> {
    if (!query.search) {
      const keys = counterKeys(this.design, query.filter).map((key) => ({ [PK]: key }));
      const shards = await batchGet(this.client, this.tableName, keys, { projection: 'n' });
      return shards.reduce((sum, shard) => sum + Number(shard.n ?? 0), 0);
    }
    // Search has no index of its own: count matches over the lean entries of one sort index.
    const index = indexFor(this.design, this.entity.list.defaultSort, query.filter?.name);
    return countSharded((input) => this.query(input), { table: this.tableName, index, value: query.filter?.value, search: query.search });
  }

  /**
   * A search in one pass over the sort's index (every shard in parallel, keys only): the
   * exact count and the first `limit` matches, or — stopped at `deadline` — the matches it is
   * sure of and a total extrapolated from the share of the index it read.
   */
  async searchMatches(query: SearchQuery): Promise<SearchMatches> {
    const index = indexFor(this.design, query.sort, query.filter?.name);
    const after = query.after?.after;
    if (query.after !== undefined && typeof after !== 'string') {
      throw invalidCursor('The cursor was issued before the list indexes changed; start again from page 1.');
    }
    // The population (counters, one BatchGetItem) scales an estimate; read it only when one may be needed.
    let population: number | undefined;
    const readPopulation = () => this.count({ filter: query.filter }).then((n) => void (population = n));
    const populationRead = query.onProgress ? readPopulation() : undefined;
    // Not awaited if the pass fails: its own failure must not become an unhandled rejection.
    populationRead?.catch(() => undefined);
    const answer = (pass: SearchPass): SearchMatches => {
      const estimate = population !== undefined && pass.scanned > 0 ? Math.round((pass.matched / pass.scanned) * population) : 0;
      return {
        total: pass.exact ? pass.matched : Math.max(pass.matched, estimate),
        exact: pass.exact,
        matches: pass.keys.map((key) => ({ id: idOfSortKey(key), key: { after: key } })),
        complete: pass.complete,
        ...(pass.readUpTo === undefined ? {} : { readUpTo: { after: pass.readUpTo } }),
      };
    };
    const pass = await searchPass((input) => this.query(input), {
      table: this.tableName,
      index,
      value: query.filter?.value,
      descending: query.descending,
      search: query.search,
      after,
      limit: query.limit,
      deadline: query.deadline,
      onRead: query.onProgress ? (sofar) => query.onProgress!(() => answer(sofar())) : undefined,
    });
    if (!pass.exact) await (populationRead ?? readPopulation());
    return answer(pass);
  }

  matchesUpTo(matches: readonly SearchMatch[], position: StartKey, descending: boolean): number {
    const at = position.after;
    if (typeof at !== 'string') throw invalidCursor('The cursor was issued before the list indexes changed; start again from page 1.');
    const sign = descending ? -1 : 1;
    // Kept matches are in list order: count the prefix at or before the position.
    let count = 0;
    while (count < matches.length && sign * compareUtf8(String(matches[count]!.key.after), at) <= 0) count++;
    return count;
  }

  /** The health probe: one small read, let through an open circuit breaker (`/health` reports both). */
  async ping(): Promise<void> {
    await pastOpenCircuit(() =>
      this.send(() =>
        this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: counterKey(0) }, ProjectionExpression: 'n' }), budgetedCallOptions()),
      ),
    );
  }

  private record(item: StoredItem): Record<string, unknown> {
    return toRecord(this.entity, this.design, item);
  }

  private filtersOf(item: StoredItem): ListFilter[] {
    const filters: ListFilter[] = [];
    for (const [name, filter] of Object.entries(this.entity.list.filters)) {
      const value = filterValue(item[filter.field]);
      if (value) filters.push({ name, value });
    }
    return filters;
  }

  /** One shard (by id) of the total and of each filter value's counter moves per single-item write. */
  private counterUpdates(id: string, filters: ListFilter[], delta: 1 | -1, includeTotal = true): TransactItems {
    const keys = [...(includeTotal ? [counterKeyFor(this.design, id)] : []), ...filters.map((filter) => counterKeyFor(this.design, id, filter))];
    return keys.map((key) => ({
      Update: { TableName: this.tableName, Key: { [PK]: key }, UpdateExpression: 'ADD n :d', ExpressionAttributeValues: { ':d': delta } },
    }));
  }

  private async transact(items: TransactItems, id: string): Promise<void> {
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new ConcurrentModificationError(id);
      translateDynamoError(error);
    }
  }

  private idOf(item: StoredItem): string {
    return String(item[this.entity.idField]);
  }

  private query(input: QueryCommandInput) {
    return this.send(() => this.client.send(new QueryCommand(input), budgetedCallOptions()));
  }

  /** Runs one DynamoDB call, turning throttling and outages into a retryable 503. */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      return translateDynamoError(error);
    }
  }
}

/** Filters of `list` whose value is not in `other`: what a replace moves out of (or into). */
function moved(list: ListFilter[], other: ListFilter[]): ListFilter[] {
  return list.filter((f) => !other.some((o) => o.name === f.name && o.value === f.value));
}

function versionCondition(version: number) {
  return {
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': version },
  };
}

/** A transaction cancelled because the condition on item `position` failed. */
function isConditionFailure(error: unknown, position: number): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.[position]?.Code === 'ConditionalCheckFailed';
}
