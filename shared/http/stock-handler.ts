import * as z from 'zod/mini';
import { products } from '../products/products.entity.js';
import { productFunctions } from '../products/products-functions.js';
import { productsService } from '../products/products-container.js';
import { stockChangeSchema } from '../products/products.schemas.js';
import { createHttpHandler } from './create-http-handler.js';
import { etagOf, expectedVersion } from './etag.js';

const path = z.object({ [products.idField]: products.id });

/** `POST /products/{sku}/stock`: the product after the change, with its new ETag; If-Match aware. */
export function productStockHandler() {
  return createHttpHandler({
    declaration: productFunctions.find((fn) => fn.id === 'products-stock')!,
    input: { path, body: stockChangeSchema },
    handle: async ({ path, body, headers, principal }) => {
      const sku = path[products.idField] as string;
      const { product } = await productsService().adjustStock(sku, body, { expected: expectedVersion(headers['if-match']), actor: principal?.sub });
      return { statusCode: 200, body: product, headers: { etag: etagOf(product.version) } };
    },
  });
}
