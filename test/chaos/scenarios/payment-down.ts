import { randomUUID } from 'node:crypto';
import { fakePaymentLedger } from '../../../shared/payments/fake/fake-payment-provider.js';
import { eventually, inLanes, statusLine } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import type { ChaosResponse, ChaosStack } from '../chaos-stack.js';

const ORDERS = '/api/v1/orders';
const PRODUCTS = '/api/v1/products';
const STOCK = 20;
const PER_ORDER = 2;
const DURING = 3;

/**
 * The payment gateway is down (the fake provider's `outage`, shared by every bundle of the
 * process) while orders go through the saga: each ends `payment_failed`, nothing is charged,
 * and its reserved stock is released (docs/orders.md). With the gateway back — after the
 * breaker's 30 s if it opened — an order completes and takes its stock.
 */
export const paymentDown: ChaosScenario = {
  name: 'payment-down',
  about: 'fake payment gateway outage during orders: payment_failed, stock released, then recovery',
  async run(chaos, checks) {
    const sku = `PD-${Date.now().toString(36).toUpperCase()}`;
    const ledger = fakePaymentLedger();
    const created = await chaos.request('POST', PRODUCTS, { json: { sku, name: 'Chaos mug', price_minor: 1500, currency: 'EUR' }, as: 'staff' });
    const stocked = await chaos.request('POST', `${PRODUCTS}/${sku}/stock`, { json: { delta: STOCK, reason: 'chaos' }, as: 'staff' });
    checks.expect(`product with ${STOCK} in stock`, created.status === 201 && stocked.status === 200, `${created.status}, ${stocked.status}`);
    const chargesBefore = ledger.charges.length;
    let placed: ChaosResponse[] = [];
    try {
      ledger.outage = true;
      placed = await inLanes(Array.from({ length: DURING }), DURING, () => placeOrder(chaos, sku, PER_ORDER));
      checks.expect(
        'orders are accepted while the gateway is down (202)',
        placed.every((res) => res.status === 202),
        statusLine(placed),
      );
      const ids = placed.map((res) => res.body?.order_id as string).filter(Boolean);
      const ended = await eventually(
        async () => (await Promise.all(ids.map((id) => orderStatus(chaos, id)))).every((status) => status === 'payment_failed'),
        90_000,
        500,
      );
      const statuses = await Promise.all(ids.map((id) => orderStatus(chaos, id)));
      checks.expect('each ends payment_failed', ended, statuses.join(', '));
      checks.expect('nothing charged during the outage', ledger.charges.length === chargesBefore, `${ledger.charges.length - chargesBefore} charges`);
      const released = await eventually(async () => stockOf(chaos, sku).then((stock) => stock.available === STOCK && stock.reserved === 0), 30_000, 500);
      const stock = await stockOf(chaos, sku);
      checks.expect('their stock is released (available back, nothing reserved)', released, `available ${stock.available}, reserved ${stock.reserved}`);
    } finally {
      ledger.outage = false;
    }
    // The breaker may be open for 30 s after 5 transient failures: an order placed then fails fast; a later one pays.
    let completed = false;
    let last = '';
    const started = Date.now();
    for (let attempt = 0; attempt < 4 && !completed; attempt++) {
      const order = await placeOrder(chaos, sku, PER_ORDER);
      if (order.status !== 202) {
        last = `POST ${order.status}`;
        continue;
      }
      await eventually(async () => ['completed', 'payment_failed', 'rejected'].includes((await orderStatus(chaos, order.body.order_id)) ?? ''), 60_000, 500);
      last = (await orderStatus(chaos, order.body.order_id)) ?? 'unknown';
      completed = last === 'completed';
      if (!completed) await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
    checks.expect('after the outage an order completes (no restart)', completed, `${last} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const after = await eventually(async () => stockOf(chaos, sku).then((stock) => stock.available === STOCK - PER_ORDER && stock.reserved === 0), 30_000, 500);
    const stock = await stockOf(chaos, sku);
    checks.expect(
      'stock holds exactly the completed order: available − 2, nothing left reserved (stock_reserved = units of orders awaiting payment, docs/products.md)',
      after,
      `available ${stock.available}, reserved ${stock.reserved}`,
    );
  },
};

function placeOrder(chaos: ChaosStack, sku: string, quantity: number): Promise<ChaosResponse> {
  return chaos.request('POST', ORDERS, {
    json: { customer_id: `chaos-${randomUUID().slice(0, 8)}`, items: [{ sku, quantity }], payment: { method: 'card', token: 'tok_ok' } },
    headers: { 'idempotency-key': randomUUID() },
    as: 'staff',
  });
}

async function orderStatus(chaos: ChaosStack, id: string): Promise<string | undefined> {
  const res = await chaos.request('GET', `${ORDERS}/${id}`, { as: 'staff' });
  return res.body?.status as string | undefined;
}

async function stockOf(chaos: ChaosStack, sku: string): Promise<{ available: number; reserved: number }> {
  const res = await chaos.request('GET', `${PRODUCTS}/${sku}`, { as: 'viewer', headers: { 'cache-control': 'no-cache' } });
  return { available: Number(res.body?.stock_available), reserved: Number(res.body?.stock_reserved) };
}
