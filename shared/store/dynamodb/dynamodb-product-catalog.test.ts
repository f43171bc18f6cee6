import { describe, expect, it } from 'vitest';
import type { StoredItem } from '../entity-store.js';
import { DynamoDbProductCatalog } from './dynamodb-product-catalog.js';

const system = { created_at: '2026-12-01T00:00:00.000Z', updated_at: '2026-12-01T00:00:00.000Z', version: 1 };

/** A products store fake at the `getMany` port, recording what was asked. */
function storeOf(items: StoredItem[]) {
  const calls: string[][] = [];
  return {
    calls,
    store: {
      async getMany(ids: readonly string[]) {
        calls.push([...ids]);
        return items.filter((item) => ids.includes(String(item.sku)));
      },
    },
  };
}

describe('DynamoDbProductCatalog', () => {
  it('prices the SKUs that exist from price_minor and currency; unknown SKUs are absent', async () => {
    const { store, calls } = storeOf([{ sku: 'A-1', name: 'A', price_minor: 1250, currency: 'EUR', ...system } as StoredItem]);
    const prices = await new DynamoDbProductCatalog(store).lookup(['A-1', 'MISSING']);
    expect([...prices]).toEqual([['A-1', { price_minor: 1250, currency: 'EUR' }]]);
    expect(calls).toEqual([['A-1', 'MISSING']]);
  });

  it('asks nothing for no SKUs and skips items without a usable price', async () => {
    const { store, calls } = storeOf([{ sku: 'B-1', name: 'B', ...system } as StoredItem]);
    const catalog = new DynamoDbProductCatalog(store);
    expect((await catalog.lookup([])).size).toBe(0);
    expect(calls).toEqual([]);
    expect((await catalog.lookup(['B-1'])).size).toBe(0);
  });
});
