import { containerCache } from '../entity/entity-container.js';
import { logger } from '../powertools/logger.js';
import { tracer } from '../powertools/tracer.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbStockStore } from '../store/dynamodb/dynamodb-stock-store.js';
import { tableDesign } from '../store/dynamodb/table-design.js';
import { MAX_STOCK, products } from './products.entity.js';
import { createProductsService, type ProductsService } from './products.service.js';

let service: ProductsService | undefined;

/**
 * The products service, built once per container (cold start): the DynamoDB stock adapter
 * over the products table (`PRODUCTS_TABLE_NAME`) and the container's cache, the same one
 * the CRUD functions read through, so a stock change invalidates what they cached.
 */
export function productsService(env: NodeJS.ProcessEnv = process.env): ProductsService {
  if (!service) {
    const design = tableDesign(products);
    const tableName = env[design.envVar];
    if (!tableName) throw new Error(`${design.envVar} is not set`);
    const client = tracer.captureAWSv3Client(createDocumentClient(env));
    service = createProductsService({
      stock: new DynamoDbStockStore(products, client, tableName, { field: 'stock_available', max: MAX_STOCK }),
      cache: containerCache(env),
      audit: (message, fields) => logger.info(message, fields),
    });
  }
  return service;
}
