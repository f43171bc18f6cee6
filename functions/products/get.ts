/** GET /api/v1/products/{sku} — one product with its stock levels and ETag. */
import { entityGetHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityGetHandler(products);
