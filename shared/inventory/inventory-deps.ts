import type { EntityCache } from '../cache/entity-cache.js';
import type { MetricSink } from '../observability/emit-metric.js';
import type { InventoryStore } from './inventory-store.js';

/** The ports of the inventory consumers, built once per cold start (`inventory-consumers.ts`). */
export interface InventoryDeps {
  store: InventoryStore;
  /** The container's cache: cached product reads are invalidated after every stock move. */
  cache?: EntityCache;
  /** Where InventoryReserved / InventoryReservationFailed / InventoryReleased go. @default NO_METRICS */
  metrics?: MetricSink;
  now?: () => Date;
}
