import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut } from '../../events/outbox-record.js';
import type { InventoryStep, InventoryStore, Reservation, StepOutcome, StockLevel } from '../../inventory/inventory-store.js';
import type { OrderStatus } from '../../orders/orders.schemas.js';
import { ORDERS_BY_STATUS_INDEX, ordersTable } from '../../orders/orders.table.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { batchGet } from './batch-io.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { indexPartition, PK, shardOf } from './table-design.js';
import { cancellationReasons, type TransactItems, transactWrite } from './transact-write.js';

/** Table names the adapter writes: the products entity's, the orders table (orders + reservation records), the outbox. */
export interface InventoryTables {
  products: string;
  orders: string;
  outbox: string;
}

/** Reservation records share the orders table; the `#` prefix keeps them out of order reads and indexes. */
export const reservationPk = (orderId: string) => `#inventory#${orderId}`;

const STATUS_SHARDS = ordersTable.indexes.find((index) => index.name === ORDERS_BY_STATUS_INDEX)!.shards;
const FAILED = 'ConditionalCheckFailed';

/**
 * DynamoDB adapter of the inventory port. A step is ONE TransactWriteItems, in this order:
 * one Update per product line (condition per line), the reservation record's Put
 * (conditioned on the state the step was decided on), the order's Update or ConditionCheck
 * (`status = pending`), the outbox rows. The cancellation reasons, by position, say which
 * parts failed. Product writes touch no index key or counter: 2 WCU each.
 */
export class DynamoDbInventoryStore implements InventoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: InventoryTables,
  ) {}

  async reservation(orderId: string): Promise<Reservation | undefined> {
    const out = await this.send(() =>
      this.client.send(new GetCommand({ TableName: this.tables.orders, Key: { [PK]: reservationPk(orderId) }, ConsistentRead: true }), budgetedCallOptions()),
    );
    if (!out.Item) return undefined;
    const { [PK]: _key, ...record } = out.Item;
    return record as Reservation;
  }

  async orderStatus(orderId: string): Promise<OrderStatus | undefined> {
    const out = await this.send(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tables.orders,
          Key: { [PK]: orderId },
          ConsistentRead: true,
          ProjectionExpression: '#s',
          ExpressionAttributeNames: { '#s': 'status' },
        }),
        budgetedCallOptions(),
      ),
    );
    return out.Item?.status as OrderStatus | undefined;
  }

  async stock(skus: readonly string[]): Promise<Map<string, StockLevel>> {
    const records = await batchGet(
      this.client,
      this.tables.products,
      skus.map((sku) => ({ [PK]: sku })),
      { consistent: true, projection: '#pk, #a, #r', names: { '#pk': PK, '#a': 'stock_available', '#r': 'stock_reserved' } },
    );
    return new Map(
      records.map((record) => [String(record[PK]), { available: Number(record.stock_available ?? 0), reserved: Number(record.stock_reserved ?? 0) }]),
    );
  }

  async apply(step: InventoryStep): Promise<StepOutcome> {
    const items: TransactItems = [...step.lines.map((line) => this.lineUpdate(step, line.sku, line.quantity)), this.recordPut(step)];
    if (step.order) items.push(this.orderWrite(step.order_id, step.order, step.at));
    items.push(...step.events.map((event) => outboxPut(event, this.tables.outbox)));
    try {
      await transactWrite(this.client, items);
      return { kind: 'committed' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons?.some((reason) => reason.Code === FAILED)) return translateDynamoError(error);
      const failed = (position: number) => reasons[position]?.Code === FAILED;
      const lines = step.lines.filter((_, position) => failed(position)).map((line) => line.sku);
      const record = failed(step.lines.length);
      const order = step.order !== undefined && failed(step.lines.length + 1);
      // An outbox row's condition fails only for a reused event id: a bug, not a refusal.
      if (lines.length === 0 && !record && !order) throw error;
      return { kind: 'refused', lines, record, order };
    }
  }

  private lineUpdate(step: InventoryStep, sku: string, quantity: number): TransactItems[number] {
    if (step.move === 'commit') {
      // Sold: the units leave stock_reserved; stock_available was reduced when they were held.
      return {
        Update: {
          TableName: this.tables.products,
          Key: { [PK]: sku },
          UpdateExpression: 'SET #r = #r - :q, #v = #v + :one, #u = :at',
          ConditionExpression: 'attribute_exists(#pk) AND #r >= :q',
          ExpressionAttributeNames: { '#pk': PK, '#r': 'stock_reserved', '#v': 'version', '#u': 'updated_at' },
          ExpressionAttributeValues: { ':q': quantity, ':one': 1, ':at': step.at },
        },
      };
    }
    // hold: available → reserved, only while enough is available; return: the reverse, only what is reserved.
    const [from, to] = step.move === 'hold' ? ['#a', '#r'] : ['#r', '#a'];
    return {
      Update: {
        TableName: this.tables.products,
        Key: { [PK]: sku },
        UpdateExpression: `SET ${from} = ${from} - :q, ${to} = if_not_exists(${to}, :zero) + :q, #v = #v + :one, #u = :at`,
        ConditionExpression: `attribute_exists(#pk) AND ${from} >= :q`,
        ExpressionAttributeNames: { '#pk': PK, '#a': 'stock_available', '#r': 'stock_reserved', '#v': 'version', '#u': 'updated_at' },
        ExpressionAttributeValues: { ':q': quantity, ':zero': 0, ':one': 1, ':at': step.at },
      },
    };
  }

  private recordPut(step: InventoryStep): TransactItems[number] {
    const { expected, next } = step.record;
    const item = { [PK]: reservationPk(step.order_id), ...next };
    if (!expected) {
      return { Put: { TableName: this.tables.orders, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } } };
    }
    return {
      Put: {
        TableName: this.tables.orders,
        Item: item,
        ConditionExpression: '#state = :state AND #held = :held',
        ExpressionAttributeNames: { '#state': 'state', '#held': 'held' },
        ExpressionAttributeValues: { ':state': expected.state, ':held': expected.held },
      },
    };
  }

  /** The order's status change (with its status index entry and version) or a check that it is still `from`. */
  private orderWrite(orderId: string, order: NonNullable<InventoryStep['order']>, at: string): TransactItems[number] {
    if (!order.to) {
      return {
        ConditionCheck: {
          TableName: this.tables.orders,
          Key: { [PK]: orderId },
          ConditionExpression: '#s = :from',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':from': order.from },
        },
      };
    }
    return {
      Update: {
        TableName: this.tables.orders,
        Key: { [PK]: orderId },
        UpdateExpression: 'SET #s = :to, #ps = :ps, #v = #v + :one, #u = :at',
        ConditionExpression: '#s = :from',
        ExpressionAttributeNames: { '#s': 'status', '#ps': '_p_status', '#v': 'version', '#u': 'updated_at' },
        ExpressionAttributeValues: {
          ':from': order.from,
          ':to': order.to,
          ':ps': indexPartition(order.to, shardOf(orderId, STATUS_SHARDS)),
          ':one': 1,
          ':at': at,
        },
      },
    };
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      return translateDynamoError(error);
    }
  }
}
