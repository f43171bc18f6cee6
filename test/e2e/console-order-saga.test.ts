import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEventSide, startLocalEventSide } from '../../infra/local/local-event-side.js';
import { chromiumAvailable } from './support/browser.js';
import { BROWSER_TIMEOUT, type ConsoleHarness, eventually, startConsoleHarness } from './support/console.js';
import { tokenFor } from './support/tokens.js';

/**
 * The console against the whole saga as `npm start` runs it (outbox → local EventBridge → SQS
 * → every consumer bundle, the fake payment gateway, the local notifications outbox): staff
 * place a test order from the orders page and watch it end; admins read the feature flags,
 * evaluate them for a user, read the notifications sent and revoke a token. Needs `npm run build`.
 */
const SAGA_TIMEOUT = 120_000;
const PUSH_CUSTOMER = 'cust-console-push';

let harness: ConsoleHarness;
let side: LocalEventSide;
let page: Page;
const dir = mkdtempSync(path.join(tmpdir(), 'console-saga-'));
/** Requests the browser made for orders: the create (with its key) and the polling reads. */
const orderRequests: { method: string; path: string; idempotencyKey: string | undefined }[] = [];
let completedOrder: string;

const dialog = () => page.getByRole('dialog');
const detail = () => page.locator('.order-detail');
const following = () => page.locator('.following');
const readsOf = (id: string) => orderRequests.filter((r) => r.method === 'GET' && r.path === `/api/v1/orders/${id}`).length;

async function openOrders(role: 'staff' | 'viewer') {
  await harness.signIn(role);
  await page.getByRole('heading', { name: 'Students' }).waitFor();
  await harness.openPage('Orders');
}

describe.skipIf(!chromiumAvailable())('console test orders through the saga, and the admin flags, notifications and token revocation', () => {
  beforeAll(async () => {
    const flags = path.join(dir, 'flags.json');
    writeFileSync(
      flags,
      JSON.stringify({
        push_notifications: { enabled: true, allow: [PUSH_CUSTOMER] },
        new_notification_pipeline: { enabled: false },
        sms_for_important: { enabled: true, percentage: 10 },
      }),
    );
    // Read by the bundles on their first request (this test file has its own process).
    Object.assign(process.env, { FLAGS_FILE: flags, NOTIFICATIONS_OUTBOX_FILE: path.join(dir, 'outbox.jsonl') });
    harness = await startConsoleHarness();
    ({ page } = harness);
    side = await startLocalEventSide({ dynamodbEndpoint: harness.tables.endpoint, env: harness.tables.env, eventsPort: 0, sqsPort: 0 });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/v1/orders'))
        orderRequests.push({ method: request.method(), path: url.pathname, idempotencyKey: request.headers()['idempotency-key'] });
    });
    for (const [sku, name, price, stock] of [
      ['MUG-01', 'Mug', 1250, 10],
      ['TEA-02', 'Trà sen', 450, 5],
    ] as const) {
      expect((await harness.apiCall('POST', '/api/v1/products', { sku, name, price_minor: price, currency: 'EUR' })).status).toBe(201);
      expect((await harness.apiCall('POST', `/api/v1/products/${sku}/stock`, { delta: stock, reason: 'console e2e' })).status).toBe(200);
    }
  }, SAGA_TIMEOUT);
  afterAll(async () => {
    await side?.stop();
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'staff place a test order: a 422 lands beside the quantity, then the order is followed through the saga to Completed and polling stops',
    async () => {
      await openOrders('staff');
      await page.getByRole('button', { name: 'New test order' }).click();
      await dialog().waitFor();
      // Products come from the products API, with price and stock.
      await eventually(() => dialog().getByLabel('Product, line 1').locator('option').allTextContents()).toEqual([
        'Mug (MUG-01) · €12.50 · 10 in stock',
        'Trà sen (TEA-02) · €4.50 · 5 in stock',
      ]);
      await dialog().getByLabel('Customer ID').fill('cust-console');
      await dialog().getByLabel('Product, line 1').selectOption('MUG-01');
      await dialog().getByLabel('Quantity, line 1').fill('2');
      await dialog().getByRole('button', { name: 'Add a product' }).click();
      expect(await dialog().getByLabel('Product, line 2').inputValue()).toBe('TEA-02'); // a product not yet on the order
      await dialog().getByLabel('Quantity, line 2').fill('20000'); // the API allows 1–10,000
      await dialog().getByRole('button', { name: 'Place test order' }).click();

      const quantity2 = dialog().getByLabel('Quantity, line 2');
      const quantity2Error = page.locator(`#${await quantity2.getAttribute('aria-describedby')}`);
      await eventually(() => quantity2Error.textContent()).not.toBe('');
      expect(await quantity2.getAttribute('aria-invalid')).toBe('true');
      expect(await quantity2.evaluate((input) => input === input.ownerDocument.activeElement)).toBe(true);
      expect(await dialog().getByLabel('Quantity, line 1').getAttribute('aria-invalid')).toBeNull();
      await harness.shot('console-order-validation.png');

      await quantity2.fill('1');
      await dialog().getByRole('button', { name: 'Place test order' }).click();
      await eventually(() => dialog().count()).toBe(0);
      await eventually(() => detail().locator('h2').textContent()).toMatch(/^Order /);
      completedOrder = (await detail().locator('h2').textContent())!.replace('Order ', '');

      // One refused and one accepted create, each with a generated key (a new body, a new key).
      const creates = orderRequests.filter((r) => r.method === 'POST' && r.path === '/api/v1/orders');
      expect(creates).toHaveLength(2);
      for (const create of creates) expect(create.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(creates[0]!.idempotencyKey).not.toBe(creates[1]!.idempotencyKey);

      expect(await following().textContent()).toMatch(new RegExp(`order ${completedOrder}`, 'i'));
      await eventually(() => following().textContent(), SAGA_TIMEOUT - 30_000).toBe(`Order ${completedOrder} has finished: Completed.`);
      expect(await detail().locator('.job-status').first().textContent()).toBe('Completed');
      // The projector appends the last entries a moment after the status: the page keeps reading until they are there.
      await eventually(() => detail().locator('.timeline').innerText()).toContain('order.completed');
      const timeline = await detail().locator('.timeline').innerText();
      for (const step of ['order.created', 'inventory.reserved', 'payment.succeeded']) expect(timeline).toContain(step);
      expect(await detail().innerText()).toContain('€29.50'); // 2 × €12.50 + €4.50
      // The list shows it too, without a reload.
      await eventually(() => page.locator(`.orders tbody tr[data-id="${completedOrder}"]`).innerText()).toContain('Completed');
      expect(readsOf(completedOrder)).toBeGreaterThanOrEqual(2); // followed, not read once
      await harness.shot('console-order-completed.png');

      // Once settled, the page stops asking.
      const reads = readsOf(completedOrder);
      await page.waitForTimeout(4_500);
      expect(readsOf(completedOrder)).toBe(reads);

      const order = (await harness.apiCall('GET', `/api/v1/orders/${completedOrder}`)).body;
      expect(order).toMatchObject({ status: 'completed', customer_id: 'cust-console', total: { amount: 2950, currency: 'EUR' } });
      expect((await harness.apiCall('GET', '/api/v1/products/MUG-01')).body).toMatchObject({ stock_available: 8, stock_reserved: 0 });
    },
    SAGA_TIMEOUT,
  );

  it(
    'a declined test card ends the order in Payment failed, shown without a click',
    async () => {
      await page.getByRole('button', { name: 'New test order' }).click();
      await dialog().getByLabel('Customer ID').fill(PUSH_CUSTOMER);
      await dialog().getByLabel('Payment').selectOption('tok_decline');
      await dialog().getByRole('button', { name: 'Place test order' }).click();
      await eventually(() => dialog().count()).toBe(0);
      await eventually(() => following().textContent(), SAGA_TIMEOUT - 30_000).toMatch(/has finished: Payment failed\.$/);
      expect(await detail().locator('.job-status').first().textContent()).toBe('Payment failed');
      await eventually(async () => (await harness.apiCall('GET', '/api/v1/products/MUG-01')).body).toMatchObject({ stock_available: 8, stock_reserved: 0 }); // released
    },
    SAGA_TIMEOUT,
  );

  it(
    'a viewer gets no New test order button',
    async () => {
      await openOrders('viewer');
      await page.locator('.orders tbody tr').first().waitFor();
      expect(await page.getByRole('button', { name: 'New test order' }).count()).toBe(0);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'an admin sees the feature flags with their live rules, evaluates them for a user, and reads the notifications sent',
    async () => {
      await harness.signIn('admin', '#admin');
      await page.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
      const flags = page.locator('.admin-flags');
      await eventually(() => flags.locator('tr[data-flag]').count()).toBe(3);
      expect(await flags.locator('tr[data-flag="push_notifications"]').innerText()).toContain(`On · allow ${PUSH_CUSTOMER}`);
      expect(await flags.locator('tr[data-flag="sms_for_important"]').innerText()).toContain('On · 10 % of users');
      expect(await flags.locator('tr[data-flag="new_notification_pipeline"]').innerText()).toContain('Off');
      expect(await flags.locator('.hint').first().textContent()).toContain('Rules from file:');

      // An empty user id: the API's 422 (loc ["query", "user_id"]) beside the field.
      await page.getByRole('button', { name: 'Evaluate flags' }).click();
      await eventually(() => page.locator('#flag-user-id-error').textContent()).not.toBe('');
      expect(await page.getByLabel('User ID to evaluate for').getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('User ID to evaluate for').fill(PUSH_CUSTOMER);
      await page.getByRole('button', { name: 'Evaluate flags' }).click();
      const push = flags.locator('h3 + table tr[data-flag="push_notifications"]');
      await eventually(() => push.innerText()).toMatch(/on\s+the user is on the allow list/);
      expect(await flags.locator('h3 + table tr[data-flag="new_notification_pipeline"]').innerText()).toMatch(/off\s+the flag is off/);
      expect(await page.getByLabel('User ID to evaluate for').getAttribute('aria-invalid')).toBeNull();

      const notifications = page.locator('.admin-notifications');
      await eventually(() => notifications.locator(`tr[data-order="${completedOrder}"]`).count()).toBeGreaterThanOrEqual(1);
      const sent = notifications.locator(`tr[data-order="${completedOrder}"]`).first();
      expect(await sent.innerText()).toContain('order.completed');
      await sent.locator('summary').click();
      expect(await sent.locator('.notification-body').isVisible()).toBe(true);
      // Narrowed to one order.
      await page.getByLabel('Order ID').fill(completedOrder);
      await page.getByRole('button', { name: 'Show notifications' }).click();
      await eventually(
        async () => new Set(await notifications.locator('tr[data-order]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')))),
      ).toEqual(new Set([completedOrder]));
      await harness.shot('console-admin-flags.png');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'an admin revokes a pasted token after confirming: the API refuses it from then on; empty fields get the 422 beside them',
    async () => {
      await page.locator('.admin-revoke').getByRole('button', { name: 'Revoke token' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
      await eventually(() => page.locator('#revoke-jti-error').textContent()).not.toBe('');
      expect(await page.locator('#revoke-exp-error').textContent()).not.toBe('');
      expect(await page.getByLabel('Token ID (jti)').getAttribute('aria-invalid')).toBe('true');

      const token = await tokenFor('staff', { sub: 'console-revoked' });
      const asToken = () => fetch(`${harness.gateway.url}/api/v1/students?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      expect((await asToken()).status).toBe(200);
      await page.getByLabel(/^Access token/).fill(token);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string; exp: number };
      expect(await page.getByLabel('Token ID (jti)').inputValue()).toBe(claims.jti);
      expect(await page.getByLabel('Expires (exp)').inputValue()).toBe(String(claims.exp));
      expect(await page.locator('#revoke-exp-hint').textContent()).toContain('issued to console-revoked');

      await page.locator('.admin-revoke').getByRole('button', { name: 'Revoke token' }).click();
      const confirm = page.getByRole('alertdialog');
      expect(await confirm.innerText()).toContain(claims.jti);
      await harness.expectAccessible(); // the confirmation over the admin page
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect((await asToken()).status).toBe(200); // Cancel revokes nothing

      await page.locator('.admin-revoke').getByRole('button', { name: 'Revoke token' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
      await eventually(() => page.locator('#status').textContent()).toContain(`Revoked token ${claims.jti}`);
      expect(await page.getByLabel('Token ID (jti)').inputValue()).toBe('');
      expect(await page.locator('#revoke-exp-hint').textContent()).not.toContain('console-revoked');
      await eventually(async () => (await asToken()).status).toBe(401);
      await harness.shot('console-admin-revoke.png');
    },
    BROWSER_TIMEOUT,
  );
});
