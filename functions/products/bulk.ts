/** POST /api/v1/products/bulk-update and /bulk-delete — a where's matches updated or deleted, ≤ 1,000 per call, cursor to continue. */
import { entityBulkHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityBulkHandler(products);
