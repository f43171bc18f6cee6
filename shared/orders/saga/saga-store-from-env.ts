import { outboxTable } from '../../events/outbox.table.js';
import { tracer } from '../../powertools/tracer.js';
import { requiredEnv } from '../../runtime/required-env.js';
import { createDocumentClient } from '../../store/dynamodb/document-client.js';
import { DynamoDbOrderSagaStore } from '../../store/dynamodb/dynamodb-order-saga-store.js';
import { ordersTable } from '../orders.table.js';
import type { OrderSagaStore } from './order-saga-store.js';

/** The saga store of a consumer container: orders table `ORDERS_TABLE_NAME`, outbox rows to `OUTBOX_TABLE_NAME`. */
export function sagaStoreFromEnv(env: NodeJS.ProcessEnv): OrderSagaStore {
  return new DynamoDbOrderSagaStore(
    tracer.captureAWSv3Client(createDocumentClient(env)),
    requiredEnv(env, ordersTable.envVar),
    requiredEnv(env, outboxTable.envVar),
  );
}
