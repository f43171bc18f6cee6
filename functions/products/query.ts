/** POST /api/v1/products/query — a where over products: get, batch-get, index or scan plan, cursor-paged. */
import { entityQueryHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityQueryHandler(products);
