import { CursorCodec } from '../cursor/cursor-codec.js';
import { requiredEnv } from '../runtime/required-env.js';
import { metrics } from '../powertools/metrics.js';
import { loadCursorSecret } from '../cursor/cursor-secret.js';
import type { Entity } from '../entity/define-entity.js';
import { tracer } from '../powertools/tracer.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbOrderStore } from '../store/dynamodb/dynamodb-order-store.js';
import { DynamoDbProductCatalog } from '../store/dynamodb/dynamodb-product-catalog.js';
import { outboxTable } from '../events/outbox.table.js';
import { tableDesign } from '../store/dynamodb/table-design.js';
import { PRODUCTS_ENTITY, type ProductCatalog } from './product-catalog.js';
import { ordersTable } from './orders.table.js';
import { createOrdersService, type OrdersService } from './orders.service.js';

let service: OrdersService | undefined;

/** A catalog that fails on use, for bundles (get, cancel, list) that never price anything. */
const noCatalog: ProductCatalog = {
  lookup: () => Promise.reject(new Error(`no '${PRODUCTS_ENTITY}' entity is registered: orders cannot be priced`)),
};

/**
 * The orders service of this container, built once: the order store over `ORDERS_TABLE_NAME`
 * (outbox rows to `OUTBOX_TABLE_NAME`), the product catalog over the products entity's table
 * and the cursor codec.
 */
export function ordersService(entities: readonly Entity[], env: NodeJS.ProcessEnv = process.env): OrdersService {
  if (!service) {
    const client = tracer.captureAWSv3Client(createDocumentClient(env));
    const products = entities.find((entity) => entity.name === PRODUCTS_ENTITY);
    const productsTable = products ? env[tableDesign(products).envVar] : undefined;
    let codec: Promise<CursorCodec> | undefined;
    service = createOrdersService({
      store: new DynamoDbOrderStore(client, requiredEnv(env, ordersTable.envVar), env[outboxTable.envVar] ?? ''), // only create and cancel write the outbox (and get its name)
      catalog: products && productsTable ? new DynamoDbProductCatalog(new DynamoDbEntityStore(products, client, productsTable)) : noCatalog,
      metrics,
      cursors: () => (codec ??= loadCursorSecret(env).then((secret) => new CursorCodec(secret))),
    });
  }
  return service;
}
