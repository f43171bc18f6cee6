import * as z from 'zod/mini';
import { defineEntity } from '../entity/define-entity.js';
import { plainText } from '../entity/plain-text.js';
import { sortBy } from '../entity/sort-keys.js';

/** Largest price in minor units: 12 digits keep the price sort key fixed-width and far below 2^53. */
export const MAX_PRICE_MINOR = 999_999_999_999;
/** Largest stock level of one SKU; the stock route refuses a change that would pass it (409). */
export const MAX_STOCK = 1_000_000_000;

/** Currency codes the runtime knows (ICU's active ISO 4217 list: USD, EUR, VND…). */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

const stockLevel = z.int().check(z.minimum(0), z.maximum(MAX_STOCK));

/**
 * THE products declaration: every route, table, index and doc is derived from it. Stock
 * levels are read-only here: create sets them to 0 and only `POST /products/{sku}/stock` and
 * the inventory handlers move them, each with one conditional write (docs/products.md).
 */
export const products = defineEntity({
  name: 'products',
  singular: 'product',
  idField: 'sku',
  id: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[A-Za-z0-9-]{2,32}$/, '2-32 characters of letters, digits or -'),
      z.toUpperCase(),
      z.describe('Stock-keeping unit: immutable key, stored upper-cased'),
    ),
  fields: {
    name: plainText(1, 200),
    price_minor: z.int().check(z.minimum(0), z.maximum(MAX_PRICE_MINOR), z.describe('Price in minor units of the currency (cents for USD, whole yen for JPY)')),
    currency: z.string().check(
      z.trim(),
      z.toUpperCase(),
      z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code: three letters'),
      z.refine((code) => ISO_4217.has(code), 'Not an active ISO 4217 currency code'),
      z.describe('ISO 4217 currency code, stored upper-cased'),
    ),
    stock_available: stockLevel.check(z.describe('Units that can be ordered; read-only: changed by the stock route and inventory handlers')),
    stock_reserved: stockLevel.check(z.describe('Units held by orders awaiting payment; read-only: changed by inventory handlers')),
  },
  requiredOnCreate: ['name', 'price_minor', 'currency'],
  readOnly: { stock_available: 0, stock_reserved: 0 },
  derived: {},
  derive: () => ({}),
  list: {
    sorts: {
      sku: sortBy.exact('sku'),
      name: sortBy.text('name'),
      // Comparable within one currency: combine with ?currency=.
      price_minor: sortBy.decimal('price_minor', 0),
      created_at: sortBy.exact('created_at'),
    },
    defaultSort: 'sku',
    filters: {
      currency: { field: 'currency', description: 'Case-insensitive exact match on the ISO 4217 currency code' },
    },
    searchFields: ['sku', 'name'],
  },
  // Stock is what changes most and readers (the order form, staff) want it current: every
  // L1 hit asks Redis (l1StaleMs 0), and writes that bypass the entity service (the order
  // saga's transactions) are seen within the 10 s TTL at worst.
  cache: { ttlSeconds: 10, l1StaleMs: 0 },
  // Catalogue writes (create/update/delete) at 500/s: one index shard per family, 2 counter
  // shards (docs/table-design.md). Stock changes are single UpdateItems on the base item that
  // touch no index key or counter, so they do not count here. Currency skew is left at the
  // worst case (1): most catalogues sell in one currency.
  capacity: { writesPerSecond: 500 },
});

export type Product = z.infer<typeof products.responseSchema>;
