import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWeb } from '../../infra/build/bundle-web.js';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { localConsole } from '../../infra/local/local-console.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import type { Role } from '../../shared/auth/role.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { seriousA11yViolations } from './support/axe.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { startAuthenticatedGateway } from './support/local-api.js';
import { bearer, localIdentity } from './support/tokens.js';

const SCREENSHOTS = path.join(ROOT, '.build', 'screenshots');
const BROWSER_TIMEOUT = 90_000;

let tables: LocalTables;
let gateway: LocalGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests the browser made, to prove the console used the public API only. */
const paths: string[] = [];

/** A student created behind the console's back, as another user would. */
async function apiCall(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(await bearer('admin')), ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : undefined };
}

async function signIn(role: Role) {
  await page.goto(`${gateway.url}/console/`);
  await page.getByRole('heading', { name: 'Local sign-in' }).waitFor();
  await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Students' }).waitFor();
  await eventually(() => page.locator('.who').textContent()).toContain(role);
}

/** expect.poll with room for a cold function bundle on a busy machine (its default is 1 s). */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });
const row = (id: string) => page.locator(`tbody tr[data-id="${id}"]`);
const field = (name: string) => page.locator(`#field-${name}`);
const fieldError = (name: string) => page.locator(`#field-${name}-error`);

describe.skipIf(!chromiumAvailable())('web console in Chromium', () => {
  beforeAll(async () => {
    bundleWeb();
    tables = await createLocalTables();
    gateway = await startAuthenticatedGateway({ console: localConsole({ identity: await localIdentity() }) });
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await tables?.drop();
  });
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('request', (request) => paths.push(new URL(request.url()).pathname));
  });

  it('serves the console under /console/ with a strict CSP, and its token endpoint only for JSON role requests', async () => {
    const res = await fetch(`${gateway.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${gateway.url}/console/../package.json`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/console/local-token`, { method: 'POST', body: 'role=admin' })).status).toBe(415);
    const json = { 'content-type': 'application/json' };
    expect((await fetch(`${gateway.url}/console/local-token`, { method: 'POST', headers: json, body: '{"role":"root"}' })).status).toBe(422);
    const foreign = await fetch(`${gateway.url}/console/local-token`, {
      method: 'POST',
      headers: { ...json, origin: 'https://evil.example' },
      body: '{"role":"admin"}',
    });
    expect(foreign.status).toBe(403);
    const minted = await fetch(`${gateway.url}/console/local-token`, { method: 'POST', headers: json, body: '{"role":"viewer"}' });
    expect(minted.status).toBe(200);
    const token = (await minted.json()) as { access_token: string; role: string };
    expect(token.role).toBe('viewer');
    const list = await fetch(`${gateway.url}/api/v1/students`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(list.status).toBe(200);
  });

  it(
    'lets staff create a student, shows the API validation error beside the score field, and edit',
    async () => {
      await signIn('staff');
      await page.getByRole('button', { name: '+ New student' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await field('student_id').fill('web-01');
      await field('first_name').fill('Đặng');
      await field('last_name').fill('Thu Hà');
      await field('email').fill('dang.ha@example.com');
      await field('hometown').fill('Hanoi');
      await field('math_score').fill('11');
      await field('literature_score').fill('7,5');
      await field('english_score').fill('9');
      await page.getByRole('button', { name: 'Create student' }).click();

      // The message is the API's (problem+json errors[].loc = ['body', 'math_score']).
      await eventually(() => fieldError('math_score').textContent()).not.toBe('');
      expect(await field('math_score').getAttribute('aria-invalid')).toBe('true');
      expect(await fieldError('first_name').textContent()).toBe('');
      expect(await dialog.isVisible()).toBe(true);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-validation.png') });
      await page.screenshot({ path: '/tmp/console-validation.png' });
      expect(await seriousA11yViolations(page)).toEqual([]);

      await field('math_score').fill('8.5');
      await page.getByRole('button', { name: 'Create student' }).click();
      await row('WEB-01').waitFor();
      const created = await row('WEB-01').innerText();
      expect(created).toContain('Đặng Thu Hà');
      expect(created).toContain('8.33'); // derived average
      expect(created).toContain('Excellent'); // derived grade
      // Staff may not delete (admin only): no button that would only earn a 403.
      expect(await row('WEB-01').getByRole('button', { name: 'Delete WEB-01' }).count()).toBe(0);

      await row('WEB-01').getByRole('button', { name: 'Edit WEB-01' }).click();
      await eventually(() => field('hometown').inputValue()).toBe('Hanoi');
      expect(await field('student_id').getAttribute('readonly')).toBe('');
      await field('hometown').fill('Huế');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await eventually(() => row('WEB-01').innerText()).toContain('Huế');
      expect((await apiCall('GET', '/api/v1/students/WEB-01')).body).toMatchObject({ hometown: 'Huế', math_score: 8.5, literature_score: 7.5, version: 2 });
    },
    BROWSER_TIMEOUT,
  );

  it(
    'explains a 412 when someone else saved first, and reloads the latest version on request',
    async () => {
      await row('WEB-01').getByRole('button', { name: 'Edit WEB-01' }).click();
      await eventually(() => field('hometown').inputValue()).toBe('Huế');
      // Another user saves while the form is open.
      expect((await apiCall('PATCH', '/api/v1/students/WEB-01', { hometown: 'Da Nang' })).status).toBe(200);
      await field('english_score').fill('6');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const conflict = page.locator('.conflict');
      await eventually(() => conflict.innerText()).toContain('Someone else changed this student');
      expect((await apiCall('GET', '/api/v1/students/WEB-01')).body).toMatchObject({ english_score: 9, hometown: 'Da Nang' });
      await page.getByRole('button', { name: 'Reload latest version' }).click();
      await eventually(() => field('hometown').inputValue()).toBe('Da Nang');
      expect(await conflict.isHidden()).toBe(true);
      await field('english_score').fill('6');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await eventually(() => row('WEB-01').innerText()).toContain('Da Nang');
      expect((await apiCall('GET', '/api/v1/students/WEB-01')).body).toMatchObject({ english_score: 6, hometown: 'Da Nang' });
    },
    BROWSER_TIMEOUT,
  );

  it(
    'searches, filters by hometown, sorts by a declared sort and pages with cursors',
    async () => {
      for (let i = 1; i <= 11; i++) {
        const id = `WEB-P${String(i).padStart(2, '0')}`;
        const res = await apiCall('POST', '/api/v1/students', {
          student_id: id,
          first_name: 'Pager',
          last_name: `Number ${i}`,
          hometown: 'Hue',
          math_score: i % 11,
        });
        expect(res.status).toBe(201);
      }
      // A list page cached in memory may be served for up to 500 ms after a write (docs/cache.md).
      await new Promise((resolve) => setTimeout(resolve, 600));
      await page.reload();
      await signIn('staff');
      await eventually(() => page.locator('.page-summary').textContent()).toBe('Page 1 of 2 · 12 students');
      expect(await page.locator('tbody tr').count()).toBe(10);
      await page.getByRole('button', { name: 'Next →' }).click();
      await eventually(() => page.locator('.page-summary').textContent()).toBe('Page 2 of 2 · 12 students');
      expect(await page.locator('tbody tr').count()).toBe(2);
      expect(await page.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: '← Previous' }).click();
      await eventually(() => page.locator('.page-summary').textContent()).toBe('Page 1 of 2 · 12 students');

      // The sorts come from the API's declaration (its OpenAPI document), both directions.
      const sorts = await page.locator('#sort option').evaluateAll((options) => options.map((option) => option.getAttribute('value')));
      expect(sorts).toEqual(expect.arrayContaining(['student_id', '-student_id', 'average_score', '-average_score', 'last_name']));
      await page.locator('#sort').selectOption('-average_score');
      await eventually(() => page.locator('tbody tr').first().getAttribute('data-id')).toBe('WEB-P10');

      await page.locator('#page-size').selectOption('25');
      await eventually(() => page.locator('tbody tr').count()).toBe(12);

      await page.locator('#hometown-filter').fill('hue');
      await eventually(() => page.locator('.page-summary').textContent()).toBe('Page 1 of 1 · 11 students');
      await page.locator('#hometown-filter').fill('');
      await page.locator('#search').fill('thu hà');
      await eventually(() => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['WEB-01']);
      await page.locator('#search').fill('');
      await eventually(() => page.locator('tbody tr').count()).toBe(12);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console.png'), fullPage: true });
      await page.screenshot({ path: '/tmp/console.png', fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'lets an admin delete a student after confirming, and not without',
    async () => {
      await signIn('admin');
      await row('WEB-01').getByRole('button', { name: 'Delete WEB-01' }).click();
      const confirm = page.getByRole('alertdialog');
      await eventually(() => confirm.innerText()).toContain('Delete Đặng Thu Hà (WEB-01)?');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect((await apiCall('GET', '/api/v1/students/WEB-01')).status).toBe(200);

      await row('WEB-01').getByRole('button', { name: 'Delete WEB-01' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Delete student' }).click();
      await row('WEB-01').waitFor({ state: 'detached' });
      expect((await apiCall('GET', '/api/v1/students/WEB-01')).status).toBe(404);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'shows a viewer the students without create, edit or delete buttons',
    async () => {
      await signIn('viewer');
      await row('WEB-P01').waitFor();
      expect(await page.getByRole('button', { name: '+ New student' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'sends the user back to the sign-in page when the token is refused (401)',
    async () => {
      const minted = page.waitForResponse((res) => res.url().endsWith('/console/local-token'));
      const signedIn = signIn('viewer');
      const { access_token: token } = (await (await minted).json()) as { access_token: string };
      await signedIn;
      const { jti, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string; exp: number };
      expect((await apiCall('POST', '/api/v1/admin/tokens/revoke', { jti, exp })).status).toBe(204);
      // The authorizer reads the revocation list behind a 1 s cache.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await page.locator('#search').fill('pager');
      await page.getByRole('heading', { name: 'Local sign-in' }).waitFor();
      await eventually(() => page.locator('.sign-in .notice').textContent()).toContain('revoked');
      expect(await page.locator('.who').textContent()).toBe('');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-sign-in.png') });
      await page.screenshot({ path: '/tmp/console-sign-in.png' });
      expect(await seriousA11yViolations(page)).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  it('used only the console files and the public API', () => {
    const outside = paths.filter((p) => !p.startsWith('/console/') && !p.startsWith('/api/v1/') && p !== '/openapi.json');
    expect(outside).toEqual([]);
    expect(paths).toContain('/api/v1/students');
  });
});
