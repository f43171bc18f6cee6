import { randomUUID } from 'node:crypto';
import { emitMetric, type MetricSink, NO_METRICS } from '../observability/emit-metric.js';
import type { Principal } from '../auth/principal.js';
import { type CursorCodec, invalidCursor } from '../cursor/cursor-codec.js';
import { type ErrorDetail, ForbiddenError, ValidationError } from '../errors/app-error.js';
import { logger } from '../powertools/logger.js';
import { type EventOrigin, orderEvent } from './order-events.js';
import type { OrderListFilter, OrderStore } from './order-store.js';
import { IdempotencyKeyReusedError, OrderNotCancellableError, OrderNotFoundError } from './orders.errors.js';
import type { CreateOrderInput, OrderAccepted, OrderListQuery, OrderStatus, OrderView } from './orders.schemas.js';
import type { ProductCatalog } from './product-catalog.js';
import { idempotencyScope, requestHash } from './request-hash.js';

export interface OrdersDeps {
  store: OrderStore;
  catalog: ProductCatalog;
  /** Signs list cursors; only `list` needs it. */
  cursors?: () => Promise<CursorCodec>;
  now?: () => Date;
  newOrderId?: () => string;
  /** Where OrdersCreated goes. @default NO_METRICS */
  metrics?: MetricSink;
}

/** Payment has not started in these states: a cancel only has stock to give back. */
export const CANCELLABLE: readonly OrderStatus[] = ['pending', 'inventory_reserved'];
/** Lost races on one order before a cancel gives up (each loser re-reads the order). */
const CANCEL_ATTEMPTS = 3;

export interface OrdersService {
  /** 202 body of `POST /api/v1/orders`; the same one again for a retry with the same key and body. */
  create(input: CreateOrderInput, caller: Principal, idempotencyKey: string, origin: EventOrigin): Promise<OrderAccepted>;
  get(orderId: string, caller: Principal): Promise<OrderView>;
  cancel(orderId: string, caller: Principal, origin: EventOrigin): Promise<OrderView>;
  list(query: OrderListQuery, caller: Principal): Promise<{ items: OrderView[]; next_cursor: string | null }>;
}

/** Staff and admin see every order; anyone else only those of the customer they are. */
function seesAll(caller: Principal): boolean {
  return caller.role === 'staff' || caller.role === 'admin';
}

/** Orders: accept (idempotent, priced from the catalog), read, cancel and list. Depends on ports only. */
export function createOrdersService(deps: OrdersDeps): OrdersService {
  const now = deps.now ?? (() => new Date());
  const newOrderId = deps.newOrderId ?? (() => `ord_${randomUUID().replaceAll('-', '')}`);

  async function visibleOrder(orderId: string, caller: Principal, consistent = false): Promise<OrderView> {
    const order = await deps.store.get(orderId, { consistent });
    // 404, not 403: whether another customer's order exists is none of the caller's business.
    if (!order || (!seesAll(caller) && order.customer_id !== caller.sub)) throw new OrderNotFoundError(orderId);
    return order;
  }

  return {
    async create(input, caller, idempotencyKey, origin) {
      if (!seesAll(caller) && input.customer_id !== caller.sub) {
        throw new ForbiddenError('order.customerMismatch', 'A customer can only place orders for themselves: customer_id must be your own id.');
      }
      const key = idempotencyScope(caller.sub, idempotencyKey);
      const hash = requestHash(input);
      const previous = await deps.store.findIdempotency(key);
      if (previous) return replay(previous.request_hash, hash, previous.response);

      const lines = await priceLines(input, deps.catalog);
      const at = now();
      const order: OrderView = {
        order_id: newOrderId(),
        customer_id: input.customer_id,
        status: 'pending',
        items: lines.items,
        total: lines.total,
        payment: { method: input.payment.method },
        timeline: [{ type: 'order.created', at: at.toISOString(), detail: { lines: lines.items.length, total: lines.total } }],
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
        version: 1,
      };
      const response: OrderAccepted = { order_id: order.order_id, status: 'pending' };
      const event = orderEvent(
        'order.created',
        {
          order_id: order.order_id,
          customer_id: order.customer_id,
          items: order.items.map(({ sku, quantity, unit_price }) => ({ sku, quantity, unit_price })),
          total: order.total,
          payment: input.payment,
        },
        origin,
        at,
      );
      const outcome = await deps.store.create(order, { key, request_hash: hash, response, created_at: at.toISOString() }, event);
      // Another request with this key committed first (a concurrent retry): answer as it did.
      if (outcome.kind === 'keyUsed') return replay(outcome.record.request_hash, hash, outcome.record.response);
      emitMetric(deps.metrics ?? NO_METRICS, 'OrdersCreated');
      logger.info('order accepted', { order_id: order.order_id, lines: order.items.length, event_id: event.id });
      return response;
    },

    get: (orderId, caller) => visibleOrder(orderId, caller),

    async cancel(orderId, caller, origin) {
      for (let attempt = 1; ; attempt++) {
        const current = await visibleOrder(orderId, caller, true);
        if (!CANCELLABLE.includes(current.status)) throw new OrderNotCancellableError(orderId, current.status);
        const at = now().toISOString();
        const next: OrderView = {
          ...current,
          status: 'cancelled',
          updated_at: at,
          version: current.version + 1,
          timeline: [...current.timeline, { type: 'order.cancelled', at, detail: { cancelled_by: caller.sub, from: current.status } }],
        };
        const event = orderEvent(
          'order.cancelled',
          { order_id: orderId, cancelled_by: caller.sub, items: current.items.map(({ sku, quantity }) => ({ sku, quantity })) },
          origin,
          new Date(at),
        );
        // Reserved stock goes back through inventory-release, requested in the same transaction.
        const release =
          current.status === 'inventory_reserved'
            ? [orderEvent('inventory.release_requested', { order_id: orderId, items: event.data.items, reason: 'cancelled' }, origin, new Date(at))]
            : [];
        if (await deps.store.transition(next, current, CANCELLABLE, event, ...release)) {
          logger.info('order cancelled', {
            order_id: orderId,
            from: current.status,
            event_id: event.id,
            ...(release[0] ? { release_event_id: release[0].id } : {}),
          });
          return next;
        }
        // The order moved on between the read and the write (the saga advanced it): judge again.
        if (attempt >= CANCEL_ATTEMPTS) {
          const latest = await visibleOrder(orderId, caller, true);
          throw new OrderNotCancellableError(orderId, latest.status);
        }
      }
    },

    async list(query, caller) {
      const filter: OrderListFilter = { customer_id: query.customer_id, status: query.status };
      if (!seesAll(caller)) {
        // A customer's list is their own orders, whatever customer_id they asked for.
        if (filter.customer_id !== undefined && filter.customer_id !== caller.sub) return { items: [], next_cursor: null };
        filter.customer_id = caller.sub;
      }
      const limit = query.limit ?? 20;
      // The cursor is bound to the filters and page size it was issued for.
      const bound: Record<string, string | number> = {
        limit,
        ...(filter.customer_id ? { customer_id: filter.customer_id } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      };
      if (!deps.cursors) throw new Error('listing orders needs the cursor codec');
      const codec = await deps.cursors();
      let startKey: Record<string, string> | undefined;
      let page = 2;
      if (query.cursor) {
        const cursor = codec.decode(query.cursor, 'orders');
        if (JSON.stringify(cursor.q) !== JSON.stringify(bound))
          throw invalidCursor('The cursor was issued for other filters or another limit; drop it or start again.');
        startKey = cursor.k;
        page = cursor.p + 1;
      }
      const result = await deps.store.list(filter, limit, startKey);
      return { items: result.items, next_cursor: result.lastKey ? codec.encode({ e: 'orders', q: bound, k: result.lastKey, p: page }) : null };
    },
  };
}

function replay(storedHash: string, hash: string, response: OrderAccepted): OrderAccepted {
  if (storedHash !== hash) throw new IdempotencyKeyReusedError();
  return response;
}

/**
 * Prices every line from the catalog (one lookup for all SKUs). Each unknown SKU, repeated
 * SKU or line in another currency is reported at its own `loc`, all in one 422.
 */
async function priceLines(input: CreateOrderInput, catalog: ProductCatalog): Promise<Pick<OrderView, 'items' | 'total'>> {
  const errors: ErrorDetail[] = [];
  const seen = new Set<string>();
  input.items.forEach((line, index) => {
    if (seen.has(line.sku))
      errors.push({
        loc: ['body', 'items', index, 'sku'],
        msg: `SKU '${line.sku}' appears on an earlier line; put its whole quantity on one line`,
        type: 'duplicate_sku',
      });
    seen.add(line.sku);
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const prices = await catalog.lookup([...seen]);
  const currency = prices.get(input.items.find((line) => prices.has(line.sku))?.sku ?? '')?.currency;
  let amount = 0;
  const items = input.items.flatMap((line, index) => {
    const price = prices.get(line.sku);
    if (!price) {
      errors.push({ loc: ['body', 'items', index, 'sku'], msg: `No product with SKU '${line.sku}'`, type: 'unknown_sku' });
      return [];
    }
    if (price.currency !== currency) {
      errors.push({
        loc: ['body', 'items', index, 'sku'],
        msg: `SKU '${line.sku}' is priced in ${price.currency}, the order in ${currency}`,
        type: 'currency_mismatch',
      });
      return [];
    }
    const lineAmount = price.price_minor * line.quantity;
    amount += lineAmount;
    return [{ sku: line.sku, quantity: line.quantity, unit_price: { amount: price.price_minor, currency }, line_total: { amount: lineAmount, currency } }];
  });
  if (errors.length > 0) throw new ValidationError(errors);
  if (!Number.isSafeInteger(amount)) throw new ValidationError([{ loc: ['body', 'items'], msg: 'The order total is too large', type: 'total_too_large' }]);
  return { items, total: { amount, currency: currency! } };
}
