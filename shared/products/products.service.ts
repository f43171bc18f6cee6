import type { EntityCache } from '../cache/entity-cache.js';
import type { EntityView } from '../entity/define-entity.js';
import type { ExpectedVersion } from '../entity/entity-service.js';
import { entityView } from '../entity/entity-view.js';
import { invalidatingWrite } from '../entity/invalidating-write.js';
import type { StockStore } from '../store/stock-store.js';
import { products } from './products.entity.js';
import type { StockChangeInput } from './products.schemas.js';

export interface ProductsServiceDeps {
  stock: StockStore;
  /** The container's cache; products' cached reads are invalidated by every stock change. */
  cache?: EntityCache;
  clock?: () => Date;
  /** Where the audit line of each stock change goes (the logger in Lambda). */
  audit?: (message: string, fields: Record<string, unknown>) => void;
}

/** What the stock route hands back: the product after the change. */
export interface StockAdjustment {
  product: EntityView;
  /** `stock_available` before the change (the audit log line carries both). */
  previous: number;
}

/**
 * Use cases of products beyond CRUD (which the generic entity service serves). Depends on
 * ports only: the stock store, the cache and a clock.
 */
export function createProductsService(deps: ProductsServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const cache = products.cache ? deps.cache : undefined;
  const view = entityView(products);
  return {
    /**
     * Moves a product's available stock by `delta` in one conditional write: 404 unknown sku,
     * 409 when it would go below 0 (or past the maximum), 412 when If-Match names no current
     * version. The version goes up and cached reads of the product are invalidated.
     */
    async adjustStock(sku: string, change: StockChangeInput, options: { expected?: ExpectedVersion; actor?: string } = {}): Promise<StockAdjustment> {
      const { expected, actor } = options;
      const versions = expected === undefined || expected === '*' ? undefined : expected;
      const item = await invalidatingWrite(cache, products.name, sku, () =>
        deps.stock.adjust({ id: sku, delta: change.delta, at: clock().toISOString(), versions }),
      );
      const product = view(item);
      const previous = Number(product.stock_available) - change.delta;
      deps.audit?.('stock adjusted', {
        sku,
        delta: change.delta,
        reason: change.reason,
        previous,
        available: product.stock_available,
        version: product.version,
        actor,
      });
      return { product, previous };
    },
  };
}

export type ProductsService = ReturnType<typeof createProductsService>;
