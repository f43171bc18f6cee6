import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../../entity/define-entity.js';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { ConcurrentModificationError, EntityAlreadyExistsError } from '../../entity/entity.errors.js';
import {
  ALL_PARTITION,
  counterKey,
  filterValue,
  indexFor,
  type IndexDesign,
  PK,
  SEARCH_ATTR,
  type TableDesign,
  tableDesign,
} from '../../entity/table-design.js';
import type { EntityStore, ListFilter, ListPage, ListQuery, StartKey, StoredItem } from '../entity-store.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { fromRecord, toRecord } from './item-record.js';

/** Attempts of a transaction cancelled by TransactionConflict before answering 503. */
const TRANSACTION_ATTEMPTS = 4;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * DynamoDB adapter of the entity store: one table per entity, counters updated in the same
 * transaction as every create/delete (and hometown-style filter moves), list pages read
 * from the GSI that matches the sort and filter.
 */
export class DynamoDbEntityStore implements EntityStore {
  private readonly design: TableDesign;

  constructor(
    private readonly entity: Entity,
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.design = tableDesign(entity);
  }

  async get(id: string): Promise<StoredItem | undefined> {
    const out = await this.getRecord({ TableName: this.tableName, Key: { [PK]: id } });
    return out.Item ? fromRecord(this.entity, out.Item) : undefined;
  }

  async create(item: StoredItem): Promise<void> {
    const record = toRecord(this.entity, item);
    const items: TransactItems = [
      { Put: { TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } } },
      ...this.counterUpdates(this.filtersOf(item), +1),
    ];
    try {
      await this.runTransaction(items);
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new EntityAlreadyExistsError(this.entity.singular, this.idOf(item));
      translateDynamoError(error);
    }
  }

  async replace(next: StoredItem, previous: StoredItem): Promise<void> {
    const before = this.filtersOf(previous);
    const after = this.filtersOf(next);
    const moved = (list: ListFilter[], other: ListFilter[]) =>
      list.filter((f) => !other.some((o) => o.name === f.name && o.value === f.value));
    const items: TransactItems = [
      { Put: { TableName: this.tableName, Item: toRecord(this.entity, next), ...versionCondition(previous.version) } },
      ...this.counterUpdates(moved(before, after), -1, false),
      ...this.counterUpdates(moved(after, before), +1, false),
    ];
    await this.transact(items, this.idOf(previous));
  }

  async remove(previous: StoredItem): Promise<void> {
    const items: TransactItems = [
      { Delete: { TableName: this.tableName, Key: { [PK]: this.idOf(previous) }, ...versionCondition(previous.version) } },
      ...this.counterUpdates(this.filtersOf(previous), -1),
    ];
    await this.transact(items, this.idOf(previous));
  }

  async list(query: ListQuery): Promise<ListPage> {
    const index = indexFor(this.design, query.sort, query.filter?.name);
    const base = this.queryInput(index, query);
    let startKey = query.startKey;
    if (query.skip > 0) {
      startKey = await this.skip(base, index, query.skip, startKey);
      if (startKey === undefined) return { items: [] };
    }
    const items: StoredItem[] = [];
    let lastKey: StartKey | undefined;
    do {
      const out = await this.query({ ...base, ExclusiveStartKey: startKey, Limit: query.search ? undefined : query.pageSize - items.length });
      for (const record of out.Items ?? []) {
        if (items.length === query.pageSize) break;
        items.push(fromRecord(this.entity, record));
        lastKey = keyOf(record, index);
      }
      startKey = out.LastEvaluatedKey as StartKey | undefined;
    } while (items.length < query.pageSize && startKey);
    // No key when the index is exhausted exactly at the page end.
    return { items, lastKey: startKey || items.length === query.pageSize ? lastKey : undefined };
  }

  async count(query: { filter?: ListFilter; search?: string }): Promise<number> {
    if (!query.search) {
      const out = await this.getRecord({ TableName: this.tableName, Key: { [PK]: counterKey(query.filter) }, ProjectionExpression: 'n' });
      return Number(out.Item?.n ?? 0);
    }
    // Search has no index: count matches by reading a whole index once — the lean
    // search-text index, or the filter's own partition when a filter narrows it.
    const index =
      query.filter || !this.design.searchIndex
        ? indexFor(this.design, this.entity.list.defaultSort, query.filter?.name)
        : this.design.searchIndex;
    const base = this.queryInput(index, { ...query, descending: false });
    let total = 0;
    let startKey: StartKey | undefined;
    do {
      const out = await this.query({ ...base, Select: 'COUNT', ExclusiveStartKey: startKey });
      total += out.Count ?? 0;
      startKey = out.LastEvaluatedKey as StartKey | undefined;
    } while (startKey);
    return total;
  }

  async ping(): Promise<void> {
    await this.getRecord({ TableName: this.tableName, Key: { [PK]: counterKey() }, ProjectionExpression: 'n' });
  }

  /** Walks `count` matching items without returning them; resolves the key to start after. */
  private async skip(base: QueryCommandInput, index: IndexDesign, count: number, from?: StartKey) {
    let remaining = count;
    let startKey = from;
    while (remaining > 0) {
      if (!base.FilterExpression) {
        // Without a filter, Limit counts exactly the items we pass over: keys never leave DynamoDB.
        const out = await this.query({ ...base, Select: 'COUNT', Limit: remaining, ExclusiveStartKey: startKey });
        remaining -= out.Count ?? 0;
        startKey = out.LastEvaluatedKey as StartKey | undefined;
      } else {
        const out = await this.query({ ...base, ProjectionExpression: KEY_PROJECTION, ExpressionAttributeNames: { ...base.ExpressionAttributeNames, ...keyNames(index) }, ExclusiveStartKey: startKey });
        const records = out.Items ?? [];
        if (records.length >= remaining) {
          return keyOf(records[remaining - 1]!, index);
        }
        remaining -= records.length;
        startKey = out.LastEvaluatedKey as StartKey | undefined;
      }
      if (!startKey) return undefined;
    }
    return startKey;
  }

  private queryInput(index: IndexDesign, query: Pick<ListQuery, 'filter' | 'search' | 'descending'>): QueryCommandInput {
    const names: Record<string, string> = { '#p': index.partitionKey };
    const values: Record<string, unknown> = { ':p': query.filter ? query.filter.value : ALL_PARTITION };
    let filterExpression: string | undefined;
    if (query.search) {
      names['#q'] = SEARCH_ATTR;
      values[':q'] = query.search;
      filterExpression = 'contains(#q, :q)';
    }
    return {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#p = :p',
      FilterExpression: filterExpression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !query.descending,
    };
  }

  private filtersOf(item: StoredItem): ListFilter[] {
    const filters: ListFilter[] = [];
    for (const [name, filter] of Object.entries(this.entity.list.filters)) {
      const value = filterValue(item[filter.field]);
      if (value) filters.push({ name, value });
    }
    return filters;
  }

  /** The total counter moves with creates/deletes; filter counters move with the value. */
  private counterUpdates(filters: ListFilter[], delta: 1 | -1, includeTotal = true): TransactItems {
    const keys = [...(includeTotal ? [counterKey()] : []), ...filters.map((filter) => counterKey(filter))];
    return keys.map((key) => ({
      Update: {
        TableName: this.tableName,
        Key: { [PK]: key },
        UpdateExpression: 'ADD n :d',
        ExpressionAttributeValues: { ':d': delta },
      },
    }));
  }

  private async transact(items: TransactItems, id: string): Promise<void> {
    try {
      await this.runTransaction(items);
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new ConcurrentModificationError(id);
      translateDynamoError(error);
    }
  }

  /**
   * Every create/delete also updates the shared counter items, so in AWS concurrent writers
   * cancel each other with TransactionConflict. Those are retried with jittered backoff;
   * still conflicting after that, the caller gets a retryable 503.
   */
  private async runTransaction(items: TransactItems): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }), budgetedCallOptions());
        return;
      } catch (error) {
        if (!isTransactionConflict(error)) throw error;
        if (attempt >= TRANSACTION_ATTEMPTS) throw new DependencyUnavailableError('DynamoDB', 1, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** (attempt - 1)));
      }
    }
  }

  private idOf(item: StoredItem): string {
    return String(item[this.entity.idField]);
  }

  private query(input: QueryCommandInput) {
    return this.send(() => this.client.send(new QueryCommand(input), budgetedCallOptions()));
  }

  private getRecord(input: ConstructorParameters<typeof GetCommand>[0]) {
    return this.send(() => this.client.send(new GetCommand(input), budgetedCallOptions()));
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

function versionCondition(version: number) {
  return {
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': version },
  };
}

/** A transaction cancelled only because another transaction touched the same items. */
function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict') && !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}

/** A transaction cancelled because the condition on item `position` failed. */
function isConditionFailure(error: unknown, position: number): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.[position]?.Code === 'ConditionalCheckFailed';
}

function keyOf(record: Record<string, unknown>, index: IndexDesign): StartKey {
  return {
    [PK]: String(record[PK]),
    [index.partitionKey]: String(record[index.partitionKey]),
    [index.sortKey]: String(record[index.sortKey]),
  };
}

function keyNames(index: IndexDesign): Record<string, string> {
  return { '#kpk': PK, '#kp': index.partitionKey, '#ks': index.sortKey };
}

/** Projection of the names in keyNames(): the walk moves keys, never whole items. */
const KEY_PROJECTION = '#kpk, #kp, #ks';

