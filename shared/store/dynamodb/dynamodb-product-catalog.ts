import type { ProductCatalog, ProductPrice } from '../../orders/product-catalog.js';
import type { BulkEntityStore, StoredItem } from '../entity-store.js';

/** Reads a stored product's price; the default matches `{ sku, price_minor, currency }` items. */
export type PriceReader = (item: StoredItem) => { sku: string; price: ProductPrice } | undefined;

const defaultPriceReader: PriceReader = (item) =>
  typeof item.sku === 'string' && typeof item.price_minor === 'number' && typeof item.currency === 'string'
    ? { sku: item.sku, price: { price_minor: item.price_minor, currency: item.currency } }
    : undefined;

/**
 * The product catalog over the products entity's store: one `getMany` = BatchGetItem of
 * ≤100 keys per call with UnprocessedKeys retried (`batch-io.ts`). An order has at most 100
 * lines, so a lookup is one call.
 */
export class DynamoDbProductCatalog implements ProductCatalog {
  constructor(
    private readonly products: Pick<BulkEntityStore, 'getMany'>,
    private readonly readPrice: PriceReader = defaultPriceReader,
  ) {}

  async lookup(skus: readonly string[]): Promise<Map<string, ProductPrice>> {
    const found = new Map<string, ProductPrice>();
    if (skus.length === 0) return found;
    for (const item of await this.products.getMany(skus)) {
      const product = this.readPrice(item);
      if (product) found.set(product.sku, product.price);
    }
    return found;
  }
}
