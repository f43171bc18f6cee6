import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut } from '../../events/outbox-record.js';
import type { TimelineEntry } from '../../orders/orders.schemas.js';
import type { OrderAdvance, OrderSagaStore, PaymentFailureReason, ProjectionOutcome, SagaOrder } from '../../orders/saga/order-saga-store.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { orderViewOf, statusPartition } from './dynamodb-order-store.js';
import { PK } from './table-design.js';
import { cancellationReasons, type TransactItems, transactWrite } from './transact-write.js';

/**
 * DynamoDB adapter of the saga's order store, on the orders table (`shared/orders/orders.table.ts`).
 * A status change is one TransactWriteItems: an UpdateItem conditioned on status AND version,
 * plus the outbox rows of the events it causes. A timeline append is one UpdateItem conditioned
 * on the event id not being in the item's `_seen` set; it touches neither status nor version,
 * so it never makes a status change lose its condition.
 */
export class DynamoDbOrderSagaStore implements OrderSagaStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly outboxTable: string,
  ) {}

  async load(orderId: string): Promise<SagaOrder | undefined> {
    const item = await this.getItem(orderId);
    if (!item) return undefined;
    return {
      order: orderViewOf(item),
      ...(typeof item._payment_token === 'string' ? { paymentToken: item._payment_token } : {}),
      ...(typeof item._payment_failure === 'string' ? { paymentFailure: item._payment_failure as PaymentFailureReason } : {}),
    };
  }

  async advance(change: OrderAdvance): Promise<boolean> {
    if (!this.outboxTable) throw new Error('OUTBOX_TABLE_NAME is not set: order changes cannot be written without their events');
    const failure = change.paymentFailure ? ', #failure = :failure' : '';
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: { [PK]: change.orderId },
          ConditionExpression: '#status = :from AND #v = :v',
          UpdateExpression: `SET #status = :to, #ps = :ps, #v = :next, #updated = :updated${failure}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            '#v': 'version',
            '#ps': '_p_status',
            '#updated': 'updated_at',
            ...(failure ? { '#failure': '_payment_failure' } : {}),
          },
          ExpressionAttributeValues: {
            ':from': change.from,
            ':v': change.version,
            ':to': change.to,
            ':ps': statusPartition(change.orderId, change.to),
            ':next': change.version + 1,
            ':updated': change.at.toISOString(),
            ...(failure ? { ':failure': change.paymentFailure } : {}),
          },
        },
      },
      ...change.events.map((event) => outboxPut(event, this.outboxTable)),
    ];
    try {
      await transactWrite(this.client, items);
      return true;
    } catch (error) {
      if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return false;
      return translateDynamoError(error);
    }
  }

  async project(orderId: string, eventId: string, entry: TimelineEntry, limit: number): Promise<ProjectionOutcome> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: orderId },
          // `contains` on a missing set is false: an order without `_seen` records its first event.
          ConditionExpression: 'attribute_exists(#pk) AND NOT contains(#seen, :id) AND size(#timeline) < :limit',
          UpdateExpression: 'SET #timeline = list_append(#timeline, :entry) ADD #seen :ids',
          ExpressionAttributeNames: { '#pk': PK, '#seen': '_seen', '#timeline': 'timeline' },
          ExpressionAttributeValues: { ':id': eventId, ':ids': new Set([eventId]), ':entry': [entry], ':limit': limit },
        }),
        budgetedCallOptions(),
      );
      return 'recorded';
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) return translateDynamoError(error);
    }
    // Which part of the condition failed: one read, only on this rare path.
    const item = await this.getItem(orderId);
    if (!item) return 'missing';
    return item._seen instanceof Set && item._seen.has(eventId) ? 'duplicate' : 'full';
  }

  private async getItem(orderId: string): Promise<Record<string, unknown> | undefined> {
    // Idempotency records share the table; their keys start with '#', which no order id does.
    if (orderId.startsWith('#')) return undefined;
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: orderId }, ConsistentRead: true }), budgetedCallOptions());
      return out.Item;
    } catch (error) {
      return translateDynamoError(error);
    }
  }
}
