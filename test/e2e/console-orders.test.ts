import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/browser.js';
import { BROWSER_TIMEOUT, type ConsoleHarness, eventually, startConsoleHarness } from './support/console.js';

/** The console's orders view in Chromium: list and status filter, an order's lines and timeline, cancel and its 409. */

/** The subject of the local sign-in's viewer token (infra/local/local-console.ts). */
const VIEWER_CUSTOMER = 'local-console-viewer';

let harness: ConsoleHarness;
const orders: string[] = [];
const apiCall: ConsoleHarness['apiCall'] = (...args) => harness.apiCall(...args);
let page: Page;

async function signIn(role: 'staff' | 'viewer') {
  await harness.signIn(role);
  await page.getByRole('heading', { name: 'Students' }).waitFor();
  await harness.openPage('Orders');
}

const rows = () => page.locator('.orders tbody tr[data-id]');

describe.skipIf(!chromiumAvailable())('console orders view in Chromium', () => {
  beforeAll(async () => {
    harness = await startConsoleHarness();
    ({ page } = harness);
    expect((await apiCall('POST', '/api/v1/products', { sku: 'MUG-01', name: 'Mug', price_minor: 1250, currency: 'EUR' })).status).toBe(201);
    for (const [key, customer, quantity] of [
      ['console-1', 'cust-hoa', 2],
      ['console-2', 'cust-minh', 1],
      ['console-3', VIEWER_CUSTOMER, 3],
    ] as const) {
      const res = await apiCall(
        'POST',
        '/api/v1/orders',
        { customer_id: customer, items: [{ sku: 'mug-01', quantity }], payment: { method: 'card', token: 'tok_ok' } },
        { 'idempotency-key': key },
      );
      expect(res.status).toBe(202);
      orders.push(res.body.order_id);
    }
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await harness?.close();
  });

  it(
    'lists every order for staff, filters by a declared status, and shows an order with its lines and timeline',
    async () => {
      await signIn('staff');
      await eventually(() => rows().count()).toBe(3);
      expect(await rows().first().getAttribute('data-id')).toBe(orders[2]); // newest first
      const statuses = await page.locator('#order-status option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
      expect(statuses).toEqual(expect.arrayContaining(['', 'pending', 'cancelled', 'completed']));
      await page.locator('#order-status').selectOption('cancelled');
      await eventually(() => page.locator('.orders tbody').innerText()).toContain('No orders match.');
      await page.locator('#order-status').selectOption('pending');
      await eventually(() => rows().count()).toBe(3);

      await page.getByRole('button', { name: `Open ${orders[0]}` }).click();
      const detail = page.locator('.order-detail');
      await eventually(() => detail.innerText()).toContain(`Order ${orders[0]}`);
      expect(await detail.innerText()).toMatch(/cust-hoa/);
      expect(await detail.innerText()).toContain('€25.00'); // 2 × €12.50, minor units shown as money
      expect(await detail.locator('.timeline li').count()).toBeGreaterThanOrEqual(1);
      await harness.shot('console-orders.png');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'cancels a pending order after confirming; the timeline records it',
    async () => {
      const detail = page.locator('.order-detail');
      await detail.getByRole('button', { name: 'Cancel order' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel order' }).click();
      await eventually(() => detail.locator('.job-status').first().textContent()).toBe('Cancelled');
      expect(await detail.locator('.timeline').innerText()).toContain('order.cancelled');
      expect(await detail.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
      expect((await apiCall('GET', `/api/v1/orders/${orders[0]}`)).body.status).toBe('cancelled');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'explains the 409 when the order was cancelled elsewhere meanwhile, and shows its current state',
    async () => {
      await page.getByRole('button', { name: `Open ${orders[1]}` }).click();
      const detail = page.locator('.order-detail');
      await eventually(() => detail.innerText()).toContain(`Order ${orders[1]}`);
      await detail.getByRole('button', { name: 'Cancel order' }).click();
      // While the user reads the confirmation, someone else cancels it.
      expect((await apiCall('POST', `/api/v1/orders/${orders[1]}/cancel`)).status).toBe(200);
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel order' }).click();
      await eventually(() => detail.locator('.conflict').textContent()).toContain('can no longer be cancelled: it is Cancelled now');
      expect(await detail.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
      await harness.shot('console-orders-409.png');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'follows an open order: a change made elsewhere appears without a click',
    async () => {
      await page.getByRole('button', { name: `Open ${orders[2]}` }).click();
      const detail = page.locator('.order-detail');
      await eventually(() => detail.innerText()).toContain(`Order ${orders[2]}`);
      expect(await detail.locator('.timeline li').count()).toBe(1);
      expect((await apiCall('POST', `/api/v1/orders/${orders[2]}/cancel`)).status).toBe(200);
      await eventually(() => detail.locator('.timeline li').count()).toBe(2);
      expect(await detail.locator('.job-status').first().textContent()).toBe('Cancelled');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'shows a viewer only their own orders, without a cancel button',
    async () => {
      await signIn('viewer');
      await eventually(() => rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual([orders[2]]);
      await page.getByRole('button', { name: `Open ${orders[2]}` }).click();
      await eventually(() => page.locator('.order-detail').innerText()).toContain(VIEWER_CUSTOMER);
      expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    },
    BROWSER_TIMEOUT,
  );
});
