import { invalidatingWrite } from '../entity/invalidating-write.js';
import { products } from '../products/products.entity.js';
import type { InventoryDeps } from './inventory-deps.js';
import type { InventoryStep, StepOutcome } from './inventory-store.js';
import { StockInconsistentError } from './inventory.errors.js';

/**
 * Applies one step and invalidates the cached reads of the products it moved (item and list
 * pages, as product writes do), so `GET /products/{sku}` shows the new stock at once.
 */
export function applyStep(step: InventoryStep, deps: InventoryDeps): Promise<StepOutcome> {
  const skus = step.lines.map((line) => line.sku);
  const cache = products.cache && skus.length > 0 ? deps.cache : undefined;
  return invalidatingWrite(cache, products.name, skus, () => deps.store.apply(step));
}

/**
 * After a `return` step was refused on `refused` lines: the products that no longer exist
 * (deleted while their units were held) are added to `gone` — there is nothing to give back
 * to, so the next attempt leaves them out. A product that exists but holds fewer reserved
 * units than the reservation is an inconsistency no retry fixes.
 * @throws StockInconsistentError
 */
export async function noteGoneProducts(step: InventoryStep, refused: readonly string[], deps: InventoryDeps, gone: Set<string>): Promise<void> {
  const stock = await deps.store.stock(refused);
  const short = refused.filter((sku) => stock.has(sku));
  if (short.length > 0) throw new StockInconsistentError(step.order_id, short);
  for (const sku of refused) gone.add(sku);
}

/** The step without the lines of deleted products (see {@link noteGoneProducts}). */
export function withoutGone(step: InventoryStep, gone: ReadonlySet<string>): InventoryStep {
  return gone.size === 0 || step.move === 'hold' ? step : { ...step, lines: step.lines.filter((line) => !gone.has(line.sku)) };
}
