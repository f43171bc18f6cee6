import { describe, expect, it } from 'vitest';
import type { EntityCache } from '../cache/entity-cache.js';
import { EntityNotFoundError } from '../entity/entity.errors.js';
import { DependencyTimeoutError } from '../errors/app-error.js';
import type { StockChange, StockStore } from '../store/stock-store.js';
import { InsufficientStockError } from './products.errors.js';
import { createProductsService } from './products.service.js';

const AT = '2026-03-01T10:00:00.000Z';
const product = {
  sku: 'MUG-01',
  name: 'Mug',
  price_minor: 1299,
  currency: 'EUR',
  stock_available: 0,
  stock_reserved: 0,
  created_at: AT,
  updated_at: AT,
  version: 1,
};

/** In-memory stock port with the adapter's rules: exists, never below 0. */
function memoryStock(fail?: Error) {
  const items = new Map([[product.sku, { ...product }]]);
  const changes: StockChange[] = [];
  const stock: StockStore = {
    adjust: async (change) => {
      changes.push(change);
      if (fail) throw fail;
      const item = items.get(change.id);
      if (!item) throw new EntityNotFoundError('product', change.id);
      if (item.stock_available + change.delta < 0) throw new InsufficientStockError(change.id, item.stock_available, change.delta);
      const next = { ...item, stock_available: item.stock_available + change.delta, version: item.version + 1, updated_at: change.at };
      items.set(change.id, next);
      return next;
    },
  };
  return { stock, changes };
}

/** Cache port that records what was invalidated. */
function recordingCache() {
  const invalidated: string[] = [];
  const cache: EntityCache = {
    item: (_scope, _id, load) => load({ consistent: false }),
    list: (_scope, _query, load) => load(),
    invalidate: async (entity, id) => {
      invalidated.push(`${entity}:${id}`);
    },
    invalidateMany: async (entity, ids) => {
      invalidated.push(...ids.map((id) => `${entity}:${id}`));
    },
  };
  return { cache, invalidated };
}

function setup(fail?: Error) {
  const { stock, changes } = memoryStock(fail);
  const { cache, invalidated } = recordingCache();
  const audit: Record<string, unknown>[] = [];
  const service = createProductsService({ stock, cache, clock: () => new Date(AT), audit: (_message, fields) => audit.push(fields) });
  return { service, changes, invalidated, audit };
}

describe('adjustStock', () => {
  it('answers the product view after the change, invalidates its cache entries and writes an audit line', async () => {
    const { service, invalidated, audit, changes } = setup();
    const result = await service.adjustStock('MUG-01', { delta: 5, reason: 'goods received' }, { actor: 'staff-1' });
    expect(result.previous).toBe(0);
    expect(result.product).toEqual({ ...product, stock_available: 5, version: 2 });
    expect(Object.keys(result.product)).toEqual(Object.keys(product));
    expect(changes).toEqual([{ id: 'MUG-01', delta: 5, at: AT, versions: undefined }]);
    expect(invalidated).toEqual(['products:MUG-01']);
    expect(audit).toEqual([{ sku: 'MUG-01', delta: 5, reason: 'goods received', previous: 0, available: 5, version: 2, actor: 'staff-1' }]);
  });

  it('passes If-Match versions to the store, and none for *', async () => {
    const { service, changes } = setup();
    await service.adjustStock('MUG-01', { delta: 1, reason: 'r' }, { expected: [1, 3] });
    await service.adjustStock('MUG-01', { delta: 1, reason: 'r' }, { expected: '*' });
    expect(changes.map((change) => change.versions)).toEqual([[1, 3], undefined]);
  });

  it('leaves the cache alone when the store refused the change (it certainly wrote nothing)', async () => {
    const { service, invalidated, audit } = setup();
    await expect(service.adjustStock('MUG-01', { delta: -1, reason: 'r' })).rejects.toBeInstanceOf(InsufficientStockError);
    await expect(service.adjustStock('NOPE', { delta: 1, reason: 'r' })).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(invalidated).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('invalidates after a failure that may have written anyway (a timeout)', async () => {
    const { service, invalidated } = setup(new DependencyTimeoutError('DynamoDB'));
    await expect(service.adjustStock('MUG-01', { delta: 1, reason: 'r' })).rejects.toBeInstanceOf(DependencyTimeoutError);
    expect(invalidated).toEqual(['products:MUG-01']);
  });
});
