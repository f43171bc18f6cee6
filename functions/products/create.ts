/** POST /api/v1/products — 201 with Location and ETag; stock starts at 0; 409 when the sku exists. */
import { entityCreateHandler } from '../../shared/http/entity-handlers.js';
import { products } from '../../shared/products/products.entity.js';

export const handler = entityCreateHandler(products);
