import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationReasons, type TransactItems, transactWrite } from './transact-write.js';
import type { DomainEvent, EventEnvelope } from '../../../events/catalog.js';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import type { CreateOrderOutcome, IdempotencyRecord, OrderListFilter, OrderPage, OrderStore } from '../../orders/order-store.js';
import { ORDER_STATUSES, type OrderStatus, type OrderView } from '../../orders/orders.schemas.js';
import { ORDERS_BY_CUSTOMER_INDEX, ORDERS_BY_STATUS_INDEX, ordersTable } from '../../orders/orders.table.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { batchGet } from './batch-io.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { outboxPut } from '../../events/outbox-record.js';
import { idOfSortKey, indexPartition, indexSortKey, PK, shardOf } from './table-design.js';

/** A used key is remembered for a day: long enough for any client's retries (Stripe keeps 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;
/**
 * Attributes of the order item that are not part of its view: index keys, the payment token
 * (payment-process charges with it; never answered or logged), the saga's payment outcome
 * marker and the ids of the events already in the timeline (the projector's dedupe set).
 */
const INTERNAL = ['_p_customer', '_p_status', '_k_created', PK, '_payment_token', '_payment_failure', '_seen'] as const;

const STATUS_SHARDS = ordersTable.indexes.find((index) => index.name === ORDERS_BY_STATUS_INDEX)!.shards;
/** The `status_recent` partition of an order in `status`: a status change moves it. */
export const statusPartition = (orderId: string, status: OrderStatus) => indexPartition(status, shardOf(orderId, STATUS_SHARDS));
const idempotencyPk = (key: string) => `#idem#${key}`;
const sortKeyOf = (order: OrderView) => indexSortKey(order.created_at, order.order_id);

/**
 * DynamoDB adapter of the order store (design: `shared/orders/orders.table.ts`). Every state
 * change is one TransactWriteItems with its outbox row (table `outboxTable`), so an event is
 * published exactly for the changes that committed.
 */
export class DynamoDbOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly outboxTable: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(order: OrderView, idempotency: IdempotencyRecord, event: EventEnvelope<'order.created'>): Promise<CreateOrderOutcome> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const items: TransactItems = [
      {
        Put: {
          TableName: this.tableName,
          // The token stays with the order for payment-process (inventory.reserved does not carry it);
          // the created entry's event id seeds the projector's dedupe set.
          Item: { ...this.itemOf(order), _payment_token: event.data.payment.token, _seen: new Set([event.id]) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            [PK]: idempotencyPk(idempotency.key),
            ...idempotency,
            order_id: idempotency.response.order_id,
            expires_at: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired record TTL has not deleted yet counts as absent.
          ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :now',
          ExpressionAttributeNames: { '#pk': PK, '#exp': 'expires_at' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        },
      },
      outboxPut(event, this.outboxTable),
    ];
    try {
      await this.transact(items);
      return { kind: 'created' };
    } catch (error) {
      if (!conditionFailedAt(error, 1)) return translateDynamoError(error);
      const record = await this.findIdempotency(idempotency.key);
      // Used, then expired between the write and this read: let the client retry.
      if (!record) throw new DependencyUnavailableError('DynamoDB', 1, { cause: error });
      return { kind: 'keyUsed', record };
    }
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.send(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: idempotencyPk(key) }, ConsistentRead: true }), budgetedCallOptions()),
    );
    const item = out.Item;
    if (!item || Number(item.expires_at) < Math.floor(this.now().getTime() / 1000)) return undefined;
    return { key, request_hash: String(item.request_hash), response: item.response as IdempotencyRecord['response'], created_at: String(item.created_at) };
  }

  async get(orderId: string, options: { consistent?: boolean } = {}): Promise<OrderView | undefined> {
    // Idempotency records share the table; their keys start with '#', which no order id does.
    if (orderId.startsWith('#')) return undefined;
    const out = await this.send(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: orderId }, ConsistentRead: options.consistent }), budgetedCallOptions()),
    );
    return out.Item ? orderViewOf(out.Item) : undefined;
  }

  async transition(next: OrderView, previous: OrderView, from: readonly OrderStatus[], ...events: DomainEvent[]): Promise<boolean> {
    const statuses = Object.fromEntries(from.map((status, index) => [`:s${index}`, status]));
    // An update, not a Put of `next`: the projector appends to the timeline without moving the
    // version, and the item holds attributes the view does not (token, dedupe set).
    const appended = next.timeline.slice(previous.timeline.length);
    // The events the appended entries stand for join the projector's dedupe set; the others it records itself.
    const recorded = events.filter((event) => appended.some((entry) => entry.type === event.type)).map((event) => event.id);
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: { [PK]: next.order_id },
          ConditionExpression: `#v = :v AND #status IN (${Object.keys(statuses).join(', ')})`,
          UpdateExpression: `SET #status = :to, #ps = :ps, #v = :next, #updated = :updated, #timeline = list_append(#timeline, :appended)${recorded.length > 0 ? ' ADD #seen :seen' : ''}`,
          ExpressionAttributeNames: {
            '#v': 'version',
            '#status': 'status',
            '#ps': '_p_status',
            '#updated': 'updated_at',
            '#timeline': 'timeline',
            ...(recorded.length > 0 ? { '#seen': '_seen' } : {}),
          },
          ExpressionAttributeValues: {
            ':v': previous.version,
            ...statuses,
            ':to': next.status,
            ':ps': statusPartition(next.order_id, next.status),
            ':next': next.version,
            ':updated': next.updated_at,
            ':appended': appended,
            ...(recorded.length > 0 ? { ':seen': new Set(recorded) } : {}),
          },
        },
      },
      ...events.map((event) => outboxPut(event, this.outboxTable)),
    ];
    try {
      await this.transact(items);
      return true;
    } catch (error) {
      if (conditionFailedAt(error, 0)) return false;
      return translateDynamoError(error);
    }
  }

  async list(filter: OrderListFilter, limit: number, startKey?: Record<string, string>): Promise<OrderPage> {
    const after = startKey?.after;
    // One partition per customer; otherwise every shard of each status asked for, merged.
    const sources = filter.customer_id
      ? [{ index: ORDERS_BY_CUSTOMER_INDEX, attribute: '_p_customer', value: filter.customer_id }]
      : (filter.status ? [filter.status] : ORDER_STATUSES).flatMap((status) =>
          Array.from({ length: STATUS_SHARDS }, (_, shard) => ({
            index: ORDERS_BY_STATUS_INDEX,
            attribute: '_p_status',
            value: indexPartition(status, shard),
          })),
        );
    const statusFilter = filter.customer_id && filter.status ? filter.status : undefined;
    const streams = await Promise.all(sources.map((source) => this.newestKeys(source, limit, after, statusFilter)));
    const merged = streams.flatMap((stream) => stream.keys).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const pageKeys = merged.slice(0, limit);
    const more = merged.length > limit || streams.some((stream) => stream.more);
    const records = await batchGet(
      this.client,
      this.tableName,
      pageKeys.map((key) => ({ [PK]: idOfSortKey(key) })),
    );
    const byId = new Map(records.map((record) => [String(record[PK]), orderViewOf(record)]));
    const items = pageKeys.flatMap((key) => byId.get(idOfSortKey(key)) ?? []);
    const last = pageKeys.at(-1);
    return { items, ...(more && last ? { lastKey: { after: last } } : {}) };
  }

  /** Up to `limit` sort keys of one partition, newest first, older than `after`. */
  private async newestKeys(source: { index: string; attribute: string; value: string }, limit: number, after: string | undefined, status?: OrderStatus) {
    const keys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.send(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: source.index,
            KeyConditionExpression: after ? '#p = :p AND #k < :after' : '#p = :p',
            ...(status ? { FilterExpression: '#status = :status' } : {}),
            ExpressionAttributeNames: { '#p': source.attribute, ...(after ? { '#k': '_k_created' } : {}), ...(status ? { '#status': 'status' } : {}) },
            ExpressionAttributeValues: { ':p': source.value, ...(after ? { ':after': after } : {}), ...(status ? { ':status': status } : {}) },
            ScanIndexForward: false,
            Limit: limit,
            ExclusiveStartKey: startKey,
          }),
          budgetedCallOptions(),
        ),
      );
      keys.push(...(out.Items ?? []).map((item) => String(item._k_created)));
      startKey = out.LastEvaluatedKey;
    } while (startKey && keys.length < limit);
    return { keys: keys.slice(0, limit), more: startKey !== undefined || keys.length > limit };
  }

  private itemOf(order: OrderView): Record<string, unknown> {
    return {
      [PK]: order.order_id,
      ...order,
      _p_customer: order.customer_id,
      _p_status: statusPartition(order.order_id, order.status),
      _k_created: sortKeyOf(order),
    };
  }

  /** TransactionConflict (another transaction on the same item in flight) is retried with jitter. */
  private async transact(items: TransactItems): Promise<void> {
    // Only the writing bundles are granted the outbox: a missing name is a deployment bug, said plainly.
    if (!this.outboxTable) throw new Error('OUTBOX_TABLE_NAME is not set: order changes cannot be written without their events');
    await transactWrite(this.client, items);
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      return translateDynamoError(error);
    }
  }
}

/**
 * The order as the API shows it: internal attributes dropped, the timeline in time order (the
 * projector appends in delivery order, which need not be the order events happened in).
 */
export function orderViewOf(item: Record<string, unknown>): OrderView {
  const view = { ...item };
  for (const attribute of INTERNAL) delete view[attribute];
  const timeline = Array.isArray(view.timeline) ? [...(view.timeline as { at: string }[])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) : [];
  return { ...view, timeline } as unknown as OrderView;
}

function conditionFailedAt(error: unknown, position: number): boolean {
  return cancellationReasons(error)?.[position]?.Code === 'ConditionalCheckFailed';
}
