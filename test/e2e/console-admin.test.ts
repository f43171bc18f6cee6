import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, type RedisTestPrefix, redisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { seriousA11yViolations } from './support/axe.js';
import { chromiumAvailable } from './support/browser.js';
import { BROWSER_TIMEOUT, type ConsoleHarness, eventually, startConsoleHarness } from './support/console.js';
import type { Json } from './support/local-api.js';

/**
 * The console's admin page in Chromium (cache statistics, clear and invalidate, request
 * metrics, API keys created once, listed, revoked), its refusal for staff, and an axe-core
 * check of every page. With Redis, so the cache and the metrics have numbers to show.
 */
let harness: ConsoleHarness;
let redis: RedisTestPrefix;
let page: Page;
const apiCall: ConsoleHarness['apiCall'] = (...args) => harness.apiCall(...args);
const signIn: ConsoleHarness['signIn'] = (...args) => harness.signIn(...args);
const tab = (name: string) => harness.tab(name);
const expectAccessible = () => harness.expectAccessible();

describeWithRedis('console admin page in Chromium', () => {
  beforeAll(async () => {
    if (!chromiumAvailable()) return;
    redis = redisTestPrefix('console-admin');
    // Read by the bundles on their first request (this test file has its own process).
    Object.assign(process.env, {
      REDIS_URL: TEST_REDIS_URL,
      CACHE_KEY_PREFIX: redis.prefix,
      METRICS_KEY_PREFIX: `${redis.prefix}metrics:`,
      RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
    });
    harness = await startConsoleHarness();
    ({ page } = harness);
    for (const id of ['ADM1', 'ADM2']) {
      const res = await apiCall('POST', '/api/v1/students', { student_id: id, first_name: 'Nguyễn', last_name: `Thị ${id}`, math_score: 7 });
      expect(res.status).toBe(201);
    }
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await harness?.close();
    await redis?.cleanup();
  });

  it.skipIf(!chromiumAvailable())(
    'the axe-core check itself reports a known critical violation (an image without alt text)',
    async () => {
      await page.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>');
      expect((await seriousA11yViolations(page)).map((v) => v.id)).toContain('image-alt');
    },
    BROWSER_TIMEOUT,
  );

  it.skipIf(!chromiumAvailable())(
    'every page of the console has no serious or critical axe-core violation',
    async () => {
      await signIn('admin');
      await page.getByRole('heading', { name: 'Students' }).waitFor();
      await eventually(() => page.locator('tbody tr[data-id]').count()).toBe(2);
      await expectAccessible();
      await page.getByRole('button', { name: 'Export' }).click();
      await page.locator('.export-panel a, .export-panel [role=alert], .export-panel .hint').first().waitFor();
      await expectAccessible(); // students with the export result
      for (const [name, ready] of [
        ['Import', 'Import'],
        ['Charts', 'Charts'],
        ['Orders', 'Orders'],
        ['Admin', 'Admin'],
      ] as const) {
        await tab(name).click();
        await page.getByRole('heading', { name: ready, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        await expectAccessible();
      }
    },
    BROWSER_TIMEOUT,
  );

  it.skipIf(!chromiumAvailable())(
    'an admin sees cache statistics and request metrics, clears and invalidates the cache',
    async () => {
      await tab('Admin').click();
      await page.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
      expect(new URL(page.url()).hash).toBe('#admin');
      const cache = page.locator('.admin-cache');
      await eventually(() => cache.locator('tr[data-level]').count()).toBe(2);
      expect(await cache.locator('th[scope=col]').allTextContents()).toEqual(['Level', 'Hits', 'Misses', 'Hit rate', 'Entries', 'Evictions']);
      const metrics = page.locator('.admin-metrics');
      // Each function adds its counts to Redis at most a second late, with its next request:
      // the students list was read by the sweep above; one more read a second later carries them.
      await page.waitForTimeout(1_100);
      expect((await apiCall('GET', '/api/v1/students?limit=1')).status).toBe(200);
      const routeRequests = async (route: string) => {
        await page.getByRole('button', { name: 'Refresh request metrics' }).click();
        await page.waitForTimeout(250);
        const cells = metrics.locator(`tr[data-route="${route}"] td`);
        return (await cells.count()) ? Number(await cells.nth(1).textContent()) : 0;
      };
      await eventually(() => routeRequests('GET /api/v1/students')).toBeGreaterThanOrEqual(2);
      await eventually(() => routeRequests('GET /api/v1/admin/metrics')).toBeGreaterThanOrEqual(1);
      expect(await metrics.locator('tr[data-route="GET /api/v1/students"] td').nth(4).textContent()).toMatch(/^(≤ \d+ ms|> 30 s)$/);
      expect(await metrics.locator('th[scope=col]').allTextContents()).toEqual(['Route', 'Requests', '4xx', '5xx', 'p50', 'p95', 'p99']);

      await page.getByLabel('Invalidate entries matching').fill('students:*');
      await page.getByRole('button', { name: 'Invalidate', exact: true }).click();
      await eventually(() => page.locator('#status').textContent()).toMatch(/^Invalidated students:\*: \d+ entries removed\.$/);

      await page.getByRole('button', { name: 'Clear cache' }).click();
      const dialog = page.getByRole('alertdialog');
      // Focus starts on Cancel (the safe answer); Escape closes without clearing.
      expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.press('Escape');
      await eventually(() => dialog.count()).toBe(0);
      // …and focus is back on the button that opened it.
      expect(await page.getByRole('button', { name: 'Clear cache' }).evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
      await page.getByRole('button', { name: 'Clear cache' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Clear cache' }).click();
      await eventually(() => page.locator('#status').textContent()).toMatch(/^Cache cleared: \d+ entries removed\.$/);
    },
    BROWSER_TIMEOUT,
  );

  it.skipIf(!chromiumAvailable())(
    'an admin creates an API key shown once, sees it listed, and revokes it after confirming',
    async () => {
      await page.getByLabel('Name (what the key is for)').fill('Timetable sync');
      await page.getByLabel('Role', { exact: true }).selectOption('staff');
      await page.getByRole('button', { name: 'Create API key' }).click();
      const secret = page.getByLabel('API key (send as X-API-Key)');
      await secret.waitFor();
      const key = await secret.inputValue();
      expect(key).toMatch(/^ak_[A-Za-z0-9]{16}\./);
      expect(await secret.evaluate((input) => input === input.ownerDocument.activeElement)).toBe(true);
      expect(await page.locator('.api-key-created').innerText()).toContain('you won’t see it again');
      const keyId = key.split('.')[0]!;
      const row = page.locator(`.admin-keys tr[data-id="${keyId}"]`);
      await eventually(() => row.count()).toBe(1);
      expect(await row.innerText()).toMatch(/Timetable sync\s+ak_\w+\s+staff/);
      // The key works, and the list never shows its secret again.
      const withKey = await fetch(`${harness.gateway.url}/api/v1/students?limit=1`, { headers: { 'x-api-key': key } });
      expect(withKey.status).toBe(200);
      expect(await page.locator('.admin-keys table').innerText()).not.toContain(key);
      await harness.shot('console-admin.png'); // with the secret panel open

      await page.getByRole('button', { name: 'I have saved it' }).click();
      expect(await page.locator('.api-key-created').isHidden()).toBe(true);
      expect(await page.getByLabel('API key (send as X-API-Key)').count()).toBe(0);

      await row.getByRole('button', { name: `Revoke Timetable sync (${keyId})` }).click();
      const dialog = page.getByRole('alertdialog');
      expect(await dialog.innerText()).toContain(keyId);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await row.count()).toBe(1);
      await row.getByRole('button', { name: /^Revoke/ }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click();
      await eventually(() => row.count()).toBe(0);
      expect((await apiCall('GET', '/api/v1/admin/api-keys')).body.items.map((k: Json) => k.key_id)).not.toContain(keyId);
      await eventually(async () => (await fetch(`${harness.gateway.url}/api/v1/students?limit=1`, { headers: { 'x-api-key': key } })).status).toBe(401);
    },
    BROWSER_TIMEOUT,
  );

  it.skipIf(!chromiumAvailable())(
    'staff get no Admin tab, and opening its address explains that it is for admins',
    async () => {
      await signIn('staff');
      await page.getByRole('heading', { name: 'Students' }).waitFor();
      expect(await tab('Admin').count()).toBe(0);
      // Typing the address while signed in…
      await page.evaluate("location.hash = '#admin'");
      await eventually(() => page.locator('.denied [role=alert]').count()).toBe(1);
      // …and opening it afresh.
      await signIn('staff', '#admin');
      const refusal = page.locator('.denied');
      await eventually(() => refusal.getByRole('alert').textContent()).toBe(
        'The Admin page is for the admin role. You are signed in as staff; ask an administrator if you need it.',
      );
      expect(await page.getByRole('heading', { name: 'Cache' }).count()).toBe(0);
      await harness.shot('console-admin-denied.png');
      await page.getByRole('button', { name: 'Go to Students' }).click();
      await page.getByRole('heading', { name: 'Students' }).waitFor();
    },
    BROWSER_TIMEOUT,
  );
});
