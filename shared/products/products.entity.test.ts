import { describe, expect, it } from 'vitest';
import { tableDesign } from '../store/dynamodb/table-design.js';
import { MAX_PRICE_MINOR, products } from './products.entity.js';

const valid = { sku: 'MUG-01', name: 'Mug', price_minor: 1299, currency: 'EUR' };
const create = (input: Record<string, unknown>) => products.createSchema.safeParse({ ...valid, ...input });

describe('products.createSchema', () => {
  it('trims and upper-cases the sku and the currency', () => {
    expect(create({ sku: ' mug-01 ', currency: ' usd ' }).data).toEqual({ ...valid, currency: 'USD' });
  });

  it.each(['M', 'A'.repeat(33), 'MUG_01', 'MUG 01', '#count#0', 'tasse-à-café'])('refuses the sku %j', (sku) => {
    expect(create({ sku }).success).toBe(false);
  });

  it.each(['EU', 'EURO', 'E1R', 'ABC', 'XYZ'])('refuses %j as a currency (three letters of an active ISO 4217 code)', (currency) => {
    expect(create({ currency }).success).toBe(false);
  });

  it.each(['JPY', 'VND', 'KWD', 'CHF'])('accepts %s', (currency) => {
    expect(create({ currency }).success).toBe(true);
  });

  it.each([-1, 1.5, MAX_PRICE_MINOR + 1, '12'])('refuses the price %j (whole minor units from 0)', (price_minor) => {
    expect(create({ price_minor }).success).toBe(false);
  });

  it('accepts a free product and the largest price', () => {
    expect(create({ price_minor: 0 }).success).toBe(true);
    expect(create({ price_minor: MAX_PRICE_MINOR }).success).toBe(true);
  });

  it('requires name, price and currency', () => {
    const issues = products.createSchema.safeParse({ sku: 'MUG-01' }).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join('.')).sort()).toEqual(['currency', 'name', 'price_minor']);
  });
});

describe('products stock fields', () => {
  it('are stored and answered but absent from the create and update schemas', () => {
    expect(products.readOnlyFields).toEqual(['stock_available', 'stock_reserved']);
    expect(Object.keys(products.createSchema.shape)).toEqual(['sku', 'name', 'price_minor', 'currency']);
    expect(Object.keys(products.updateSchema.shape)).toEqual(['name', 'price_minor', 'currency']);
    expect(Object.keys(products.responseSchema.shape)).toEqual(
      expect.arrayContaining(['stock_available', 'stock_reserved', 'version', 'created_at', 'updated_at']),
    );
    expect(products.nullableFields).toEqual([]);
  });

  it('start at 0 on create', () => {
    expect(products.readOnly).toEqual({ stock_available: 0, stock_reserved: 0 });
  });

  it('make a body that carries them invalid', () => {
    const issues = create({ stock_available: 5 }).error?.issues ?? [];
    expect(issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['stock_available'] })]);
    expect(products.updateSchema.safeParse({ stock_reserved: 0 }).success).toBe(false);
  });
});

describe('products table design', () => {
  it('derives one index shard and two counter shards per family from 500 writes/s', () => {
    const design = tableDesign(products);
    expect(design.envVar).toBe('PRODUCTS_TABLE_NAME');
    expect(design.indexes.map((index) => index.name)).toEqual([
      'all_by_sku',
      'all_by_name',
      'all_by_price_minor',
      'all_by_created_at',
      'currency_by_sku',
      'currency_by_name',
      'currency_by_price_minor',
      'currency_by_created_at',
    ]);
    expect(design.indexes.every((index) => index.shards === 1)).toBe(true);
    expect(design.counters).toEqual({ total: { shards: 2 }, filters: { currency: { filter: 'currency', shards: 2 } } });
  });

  it('declares no export, statistics or import, so it gets none of their routes', () => {
    expect(products.export).toBeUndefined();
    expect(products.statistics).toBeUndefined();
    expect(products.import).toBeUndefined();
  });
});
