import type { Principal } from '../auth/principal.js';
import { createHttpHandler, type HttpRequest } from '../http/create-http-handler.js';
import { declarationOf, entities } from '../registry.js';
import { ordersService } from './orders-container.js';
import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError } from './orders.errors.js';
import { createOrderSchema, idempotencyKeySchema, orderIdPathSchema, orderListQuerySchema } from './orders.schemas.js';

const ORDERS_PATH = '/api/v1/orders';

/** Non-public routes always have a principal; the authorize middleware guarantees it. */
const callerOf = (request: HttpRequest<unknown, unknown, unknown>): Principal => request.principal!;
const originOf = (request: HttpRequest<unknown, unknown, unknown>) => ({ correlationId: request.correlationId, causationId: request.requestId });

function idempotencyKeyOf(headers: Record<string, string | undefined>): string {
  const key = headers['idempotency-key'];
  if (key === undefined || key === '') throw new IdempotencyKeyMissingError();
  if (!idempotencyKeySchema.safeParse(key).success) throw new IdempotencyKeyInvalidError();
  return key;
}

/** `POST /api/v1/orders` → 202 `{order_id, status: "pending"}`; a retry with the same key and body gets the same answer. */
export function createOrderHandler() {
  return createHttpHandler({
    declaration: declarationOf('orders-create'),
    input: { body: createOrderSchema },
    handle: async (request) => {
      const key = idempotencyKeyOf(request.headers);
      const accepted = await ordersService(entities).create(request.body, callerOf(request), key, originOf(request));
      return { statusCode: 202, body: accepted, headers: { location: `${ORDERS_PATH}/${accepted.order_id}` } };
    },
  });
}

/** `GET /api/v1/orders/{order_id}` → the order with its status, totals and timeline (404 for another customer's). */
export function getOrderHandler() {
  return createHttpHandler({
    declaration: declarationOf('orders-get'),
    input: { path: orderIdPathSchema },
    handle: async (request) => ({ statusCode: 200, body: await ordersService(entities).get(request.path.order_id, callerOf(request)) }),
  });
}

/** `POST /api/v1/orders/{order_id}/cancel` → the cancelled order, or 409 once payment started. */
export function cancelOrderHandler() {
  return createHttpHandler({
    declaration: declarationOf('orders-cancel'),
    input: { path: orderIdPathSchema },
    handle: async (request) => ({ statusCode: 200, body: await ordersService(entities).cancel(request.path.order_id, callerOf(request), originOf(request)) }),
  });
}

/** `GET /api/v1/orders?status=&customer_id=` → newest first, `next_cursor` for the next page. */
export function listOrdersHandler() {
  return createHttpHandler({
    declaration: declarationOf('orders-list'),
    input: { query: orderListQuerySchema },
    handle: async (request) => ({ statusCode: 200, body: await ordersService(entities).list(request.query, callerOf(request)) }),
  });
}
