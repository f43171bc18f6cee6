/** POST /api/v1/products/{sku}/stock {delta, reason} — staff; 409 when stock would go below 0. */
import { productStockHandler } from '../../shared/http/stock-handler.js';

export const handler = productStockHandler();
