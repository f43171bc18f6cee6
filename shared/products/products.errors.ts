import { ConflictError } from '../errors/app-error.js';

/** A stock change would take `stock_available` below 0 (`product.insufficientStock`). */
export class InsufficientStockError extends ConflictError {
  constructor(sku: string, available: number, delta: number) {
    super('product.insufficientStock', `Product '${sku}' has ${available} available; a change of ${delta} would take it below 0.`, { sku, available, delta });
  }
}

/** A stock change would take `stock_available` past the largest level a SKU may hold (`product.stockLimit`). */
export class StockLimitError extends ConflictError {
  constructor(sku: string, available: number, delta: number, limit: number) {
    super('product.stockLimit', `Product '${sku}' has ${available} available; a change of ${delta} would pass the limit of ${limit}.`, {
      sku,
      available,
      delta,
      limit,
    });
  }
}
