import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type LocalEventSide, startLocalEventSide } from '../../infra/local/local-event-side.js';
import { mintLocalToken } from '../../infra/local/local-identity.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { BENCH_LOCAL_DIR } from './bench-database.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';
import { ms, summarize } from './percentiles.js';

/** Orders per run and how many are in flight at once (POSTs; the saga behind them runs at its own pace). */
const ORDERS = Number(process.env.SAGA_BENCH_ORDERS ?? 300);
const CONCURRENCY = Number(process.env.SAGA_BENCH_CONCURRENCY ?? 16);
const PRODUCTS = 20;
const FINAL = new Set(['order.completed', 'order.rejected', 'order.payment_failed']);

/**
 * `saga`: orders per second end to end on the local stack (`npm start`'s composition: the
 * gateway, DynamoDB Local, the outbox stream → publisher → local EventBridge → SQS → the saga
 * consumers, all from the esbuild bundles), and the latency from each POST /orders to its
 * final event (`order.completed`) on the bus. One order in ten pays with a declined card, so
 * the compensation path (payment_failed → release) runs in the mix.
 */
export async function runSagaBench(): Promise<BenchOutcome> {
  // One staff token places every order: the deployed per-caller limits would make this a rate-limit test.
  process.env.RATE_LIMIT_SCALE = process.env.SAGA_RATE_LIMIT_SCALE ?? '1000';
  let stack: LocalStack | undefined;
  let eventSide: LocalEventSide | undefined;
  try {
    stack = await startLocalStack({
      port: 0,
      s3Port: 0,
      dataDir: path.join(BENCH_LOCAL_DIR, `saga-${randomBytes(3).toString('hex')}`),
      fresh: true,
      log: () => undefined,
    });
    eventSide = await startLocalEventSide({ dynamodbEndpoint: stack.dynamodb.endpoint, env: stack.env, eventsPort: 0, sqsPort: 0 });
    const staff = { authorization: `Bearer ${await mintLocalToken(stack.identity, { role: 'staff', sub: 'bench-staff' })}` };
    const base = `${stack.url}/api/v1`;
    const call = async (method: string, route: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${route}`, { method, headers: { ...staff, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, any>;
    };

    const skus = Array.from({ length: PRODUCTS }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`);
    for (const sku of skus) {
      await call('POST', '/products', { sku, name: `Bench product ${sku}`, price_minor: 1_250, currency: 'EUR' });
      await call('POST', `/products/${sku}/stock`, { delta: 1_000_000, reason: 'bench' });
    }

    const finals = new Map<string, { type: string; at: number }>();
    const firstSeen = new Map<string, number>();
    eventSide.events.onEvent((event) => {
      const orderId = (event.detail as { data?: { order_id?: string } }).data?.order_id;
      if (!orderId) return;
      if (!firstSeen.has(orderId)) firstSeen.set(orderId, performance.now());
      if (FINAL.has(event['detail-type'])) finals.set(orderId, { type: event['detail-type'], at: performance.now() });
    });

    const posted = new Map<string, { at: number; accepted: number; declined: boolean }>();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < ORDERS) {
        const n = next++;
        const declined = n % 10 === 9;
        const items = [
          { sku: skus[n % PRODUCTS]!, quantity: 1 + (n % 3) },
          { sku: skus[(n * 7 + 3) % PRODUCTS]!, quantity: 1 },
        ];
        const at = performance.now();
        const body = { customer_id: `bench-customer-${n % 50}`, items, payment: { method: 'card', token: declined ? 'tok_decline' : 'tok_ok' } };
        const accepted = await call('POST', '/orders', body, { 'idempotency-key': `bench-${n}-${randomBytes(4).toString('hex')}` });
        posted.set(accepted.order_id as string, { at, accepted: performance.now(), declined });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const allPosted = performance.now();
    const deadline = allPosted + 30_000 + ORDERS * 200;
    while (finals.size < posted.size && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ended = performance.now();

    const completed = [...posted].filter(([id]) => finals.get(id)?.type === 'order.completed');
    const paymentFailed = [...posted].filter(([id]) => finals.get(id)?.type === 'order.payment_failed');
    const unfinished = [...posted.keys()].filter((id) => !finals.has(id));
    const toFinal = summarize([...posted].filter(([id]) => finals.has(id)).map(([id, post]) => finals.get(id)!.at - post.at));
    const toCompleted = summarize(completed.map(([id, post]) => finals.get(id)!.at - post.at));
    const accept = summarize([...posted.values()].map((post) => post.accepted - post.at));
    const seconds = (ended - started) / 1000;
    const ordersPerSecond = finals.size / seconds;
    const expectedDeclined = [...posted.values()].filter((post) => post.declined).length;

    printTable(
      ['series', 'n', 'p50', 'p99', 'max'],
      [
        ['POST /orders → 202', String(accept.n), ms(accept.p50), ms(accept.p99), ms(accept.max)],
        ['POST → order.completed', String(toCompleted.n), ms(toCompleted.p50), ms(toCompleted.p99), ms(toCompleted.max)],
        ['POST → any final event', String(toFinal.n), ms(toFinal.p50), ms(toFinal.p99), ms(toFinal.max)],
      ],
    );
    console.log(
      `\n${ORDERS} orders (${CONCURRENCY} in flight): ${finals.size} finished in ${seconds.toFixed(1)} s → ${ordersPerSecond.toFixed(1)} orders/s end to end; ${completed.length} completed, ${paymentFailed.length} payment_failed, ${unfinished.length} unfinished`,
    );

    const checks: Check[] = [
      {
        name: 'orders finished (completed or payment_failed)',
        measured: `${finals.size} / ${posted.size}`,
        target: 'all',
        pass: finals.size === posted.size && unfinished.length === 0,
      },
      {
        name: 'declined cards end payment_failed',
        measured: String(paymentFailed.length),
        target: String(expectedDeclined),
        pass: paymentFailed.length === expectedDeclined,
      },
      { name: 'orders/s end to end (local stack)', measured: ordersPerSecond.toFixed(1), target: 'report' },
      { name: 'POST → completed p50 / p99', measured: `${ms(toCompleted.p50)} / ${ms(toCompleted.p99)}`, target: 'report' },
    ];
    return {
      name: 'saga',
      checks,
      data: {
        orders: ORDERS,
        concurrency: CONCURRENCY,
        seconds,
        ordersPerSecond,
        accept,
        toCompleted,
        toFinal,
        completed: completed.length,
        paymentFailed: paymentFailed.length,
        unfinished: unfinished.length,
      },
    };
  } finally {
    await eventSide?.stop();
    await stack?.stop();
  }
}
