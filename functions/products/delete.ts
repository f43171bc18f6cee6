/** DELETE /api/v1/products/{sku} — 204; If-Match aware. */
import { entityDeleteHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityDeleteHandler(products);
