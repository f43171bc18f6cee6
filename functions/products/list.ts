/** GET /api/v1/products — paged, filtered (currency), searched and sorted list (page or cursor). */
import { entityListHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityListHandler(products);
