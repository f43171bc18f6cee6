import type { StoredItem } from './entity-store.js';

/** One change of an item's available stock, as the stock route asks for it. */
export interface StockChange {
  id: string;
  /** Non-zero whole number of units: positive receives, negative removes. */
  delta: number;
  /** The change's time: the item's new `updated_at`. */
  at: string;
  /** The item must be at one of these versions (If-Match); omitted = any. */
  versions?: readonly number[];
}

/**
 * Port of the stock route: moves `stock_available` in one conditional write that also bumps
 * the version. Fails with EntityNotFoundError (no such item), EntityVersionMismatchError
 * (`versions` named none that is current), InsufficientStockError (it would go below 0) or
 * StockLimitError (above the maximum); nothing is written then.
 */
export interface StockStore {
  /** Resolves the item as it is after the change. */
  adjust(change: StockChange): Promise<StoredItem>;
}
