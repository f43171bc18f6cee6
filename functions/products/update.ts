/** PUT|PATCH /api/v1/products/{sku} — partial update of name and price, If-Match aware; stock is read-only (422). */
import { entityUpdateHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityUpdateHandler(products);
