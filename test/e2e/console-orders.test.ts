import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWeb } from '../../infra/build/bundle-web.js';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { localConsole } from '../../infra/local/local-console.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import type { Role } from '../../shared/auth/role.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { seriousA11yViolations } from './support/axe.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { type Json, startAuthenticatedGateway } from './support/local-api.js';
import { bearer, localIdentity } from './support/tokens.js';

/** The console's orders view in Chromium: list and status filter, an order's lines and timeline, cancel and its 409. */
const SCREENSHOTS = path.join(ROOT, '.build', 'screenshots');
const BROWSER_TIMEOUT = 90_000;
/** The subject of the local sign-in's viewer token (infra/local/local-console.ts). */
const VIEWER_CUSTOMER = 'local-console-viewer';

let tables: LocalTables;
let gateway: LocalGateway;
let browser: Browser;
let page: Page;
const orders: string[] = [];

async function apiCall(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(await bearer('admin')), ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : undefined) as Json };
}

async function signIn(role: Role) {
  await page.goto(`${gateway.url}/console/`);
  await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Students' }).waitFor();
  await page.locator('.app-nav').getByRole('button', { name: 'Orders' }).click();
  await page.getByRole('heading', { name: 'Orders' }).waitFor();
}

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });
const rows = () => page.locator('.orders tbody tr[data-id]');

describe.skipIf(!chromiumAvailable())('console orders view in Chromium', () => {
  beforeAll(async () => {
    bundleWeb();
    tables = await createLocalTables();
    gateway = await startAuthenticatedGateway({ console: localConsole({ identity: await localIdentity() }) });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    mkdirSync(SCREENSHOTS, { recursive: true });
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
    await browser?.close();
    await gateway?.close();
    await tables?.drop();
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
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-orders.png'), fullPage: true });
      await page.screenshot({ path: '/tmp/console-orders.png', fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);
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
      await page.screenshot({ path: '/tmp/console-orders-409.png', fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);
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
