import { type FunctionDeclaration, NO_STORE } from '../entity/entity-functions.js';
import { outboxTable } from '../events/outbox.table.js';
import { PRODUCTS_ENTITY } from './product-catalog.js';
import { ordersTable } from './orders.table.js';

const BASE = '/api/v1/orders';

/**
 * The orders API. Every write is one TransactWriteItems over the orders table and the outbox
 * (PutItem on both: TransactWriteItems is authorised per contained action). Customers
 * (viewer) see and cancel their own orders only; staff and admin every order.
 */
export const orderFunctions: FunctionDeclaration[] = [
  {
    id: 'orders-create',
    entry: 'functions/orders/create.ts',
    description: 'Accepts an order (Idempotency-Key required); 202 pending',
    routes: [{ method: 'POST', path: BASE }],
    permission: 'viewer',
    tables: [
      { table: ordersTable.id, actions: ['GetItem', 'PutItem'] },
      { table: outboxTable.id, actions: ['PutItem'] },
      { table: PRODUCTS_ENTITY, actions: ['BatchGetItem'] },
    ],
    cacheControl: NO_STORE,
  },
  {
    id: 'orders-get',
    entry: 'functions/orders/get.ts',
    description: 'One order with its status, totals and timeline',
    routes: [{ method: 'GET', path: `${BASE}/{order_id}` }],
    permission: 'viewer',
    tables: [{ table: ordersTable.id, actions: ['GetItem'] }],
    // The status moves with the saga, and the answer depends on who asks.
    cacheControl: NO_STORE,
  },
  {
    id: 'orders-cancel',
    entry: 'functions/orders/cancel.ts',
    description: 'Cancels an order before payment started; 409 after',
    routes: [{ method: 'POST', path: `${BASE}/{order_id}/cancel` }],
    permission: 'viewer',
    tables: [
      { table: ordersTable.id, actions: ['GetItem', 'UpdateItem'] },
      { table: outboxTable.id, actions: ['PutItem'] },
    ],
    cacheControl: NO_STORE,
  },
  {
    id: 'orders-list',
    entry: 'functions/orders/list.ts',
    description: 'Orders by customer and/or status, newest first (cursor paginated)',
    routes: [{ method: 'GET', path: BASE }],
    permission: 'viewer',
    tables: [{ table: ordersTable.id, actions: ['Query', 'BatchGetItem'] }],
    cursorSecret: true,
    cacheControl: NO_STORE,
  },
];
