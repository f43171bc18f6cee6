import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntityNotFoundError, EntityVersionMismatchError } from '../../shared/entity/entity.errors.js';
import { MAX_STOCK, products } from '../../shared/products/products.entity.js';
import { InsufficientStockError, StockLimitError } from '../../shared/products/products.errors.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbStockStore } from '../../shared/store/dynamodb/dynamodb-stock-store.js';
import { PK } from '../../shared/store/dynamodb/table-design.js';
import type { StoredItem } from '../../shared/store/entity-store.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

/** The stock adapter's conditional UpdateItem on DynamoDB Local, next to the entity store it shares a table with. */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let tableName: string;
let entities: DynamoDbEntityStore;
let stock: DynamoDbStockStore;

beforeAll(async () => {
  tables = await createLocalTables();
  tableName = process.env.PRODUCTS_TABLE_NAME!;
  client = createDocumentClient(process.env);
  entities = new DynamoDbEntityStore(products, client, tableName);
  stock = new DynamoDbStockStore(products, client, tableName, { field: 'stock_available', max: MAX_STOCK });
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

const AT = '2026-02-01T00:00:00.000Z';
const LATER = '2026-02-01T00:00:05.000Z';
async function given(sku: string, available = 0): Promise<StoredItem> {
  const item = {
    sku,
    name: `P ${sku}`,
    price_minor: 100,
    currency: 'EUR',
    stock_available: available,
    stock_reserved: 0,
    created_at: AT,
    updated_at: AT,
    version: 1,
  } as StoredItem;
  await entities.create(item);
  return item;
}
const raw = async (sku: string) => (await client.send(new GetCommand({ TableName: tableName, Key: { [PK]: sku }, ConsistentRead: true }))).Item!;

describe('DynamoDbStockStore.adjust', () => {
  it('moves stock_available, bumps version and updated_at, and answers the item as stored', async () => {
    const item = await given('ADJ-01');
    const after = await stock.adjust({ id: 'ADJ-01', delta: 5, at: LATER });
    expect(after).toEqual({ ...item, stock_available: 5, version: 2, updated_at: LATER });
    expect(await entities.get('ADJ-01', { consistent: true })).toEqual(after);
  });

  it('leaves every index key, the search text and the counters as they were', async () => {
    await given('ADJ-02');
    const before = await raw('ADJ-02');
    const total = await entities.count({});
    const inEur = await entities.count({ filter: { name: 'currency', value: 'eur' } });
    await stock.adjust({ id: 'ADJ-02', delta: 9, at: LATER });
    const after = await raw('ADJ-02');
    const internal = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([key]) => key.startsWith('_')));
    expect(internal(after)).toEqual(internal(before));
    expect(await entities.count({})).toBe(total);
    expect(await entities.count({ filter: { name: 'currency', value: 'eur' } })).toBe(inEur);
  });

  it('refuses a change below 0 with InsufficientStockError naming the level, and writes nothing', async () => {
    await given('ADJ-03', 4);
    const attempt = stock.adjust({ id: 'ADJ-03', delta: -5, at: LATER });
    await expect(attempt).rejects.toBeInstanceOf(InsufficientStockError);
    await expect(attempt).rejects.toMatchObject({ code: 'product.insufficientStock', context: { sku: 'ADJ-03', available: 4, delta: -5 } });
    expect(await raw('ADJ-03')).toMatchObject({ stock_available: 4, version: 1, updated_at: AT });
    expect(await stock.adjust({ id: 'ADJ-03', delta: -4, at: LATER })).toMatchObject({ stock_available: 0, version: 2 });
  });

  it('refuses a change past the maximum with StockLimitError', async () => {
    await given('ADJ-04', MAX_STOCK - 2);
    await expect(stock.adjust({ id: 'ADJ-04', delta: 3, at: LATER })).rejects.toBeInstanceOf(StockLimitError);
    expect(await stock.adjust({ id: 'ADJ-04', delta: 2, at: LATER })).toMatchObject({ stock_available: MAX_STOCK });
  });

  it('answers EntityNotFoundError for an unknown sku and creates no item', async () => {
    await expect(stock.adjust({ id: 'ADJ-NONE', delta: 1, at: LATER })).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await entities.get('ADJ-NONE', { consistent: true })).toBeUndefined();
  });

  it('applies only at a named version; [] (no strong ETag) never applies', async () => {
    await given('ADJ-05');
    await expect(stock.adjust({ id: 'ADJ-05', delta: 1, at: LATER, versions: [2, 3] })).rejects.toMatchObject({
      code: 'product.versionMismatch',
      context: { actual: 1 },
    });
    await expect(stock.adjust({ id: 'ADJ-05', delta: 1, at: LATER, versions: [] })).rejects.toBeInstanceOf(EntityVersionMismatchError);
    expect(await stock.adjust({ id: 'ADJ-05', delta: 1, at: LATER, versions: [7, 1] })).toMatchObject({ stock_available: 1, version: 2 });
  });

  it('makes a concurrent full-item replace of the old version fail instead of undoing the change', async () => {
    const item = await given('ADJ-06');
    await stock.adjust({ id: 'ADJ-06', delta: 3, at: LATER });
    await expect(entities.replace({ ...item, name: 'Renamed', version: 2 } as StoredItem, item)).rejects.toMatchObject({ name: 'ConcurrentModificationError' });
    expect(await raw('ADJ-06')).toMatchObject({ stock_available: 3, name: 'P ADJ-06' });
  });
});
