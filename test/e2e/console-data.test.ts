import ExcelJS from 'exceljs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWeb } from '../../infra/build/bundle-web.js';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { localConsole } from '../../infra/local/local-console.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import type { Role } from '../../shared/auth/role.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { seriousA11yViolations } from './support/axe.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { type Json, startAuthenticatedGateway } from './support/local-api.js';
import { bearer, localIdentity } from './support/tokens.js';

/**
 * The console's import, export and charts pages in Chromium, against the local gateway AND the
 * local S3 endpoint the browser uploads to and downloads from (presigned URLs, CORS), with the
 * import handler run for each S3 notification as `npm start` does. Needs `npm run build`.
 */
const SCREENSHOTS = path.join(ROOT, '.build', 'screenshots');
const BROWSER_TIMEOUT = 120_000;

let tables: LocalTables;
let gateway: LocalGateway;
let imports: LocalImportsBucket;
let s3Dir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const deliveries: Promise<void>[] = [];
/** Every URL the browser asked for, to prove it used the public API and the bucket only. */
const requested: string[] = [];

async function apiCall(method: string, path: string, json?: unknown) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(await bearer('admin')), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : undefined) as Json };
}

async function signIn(role: Role) {
  await page.goto(`${gateway.url}/console/`);
  await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Students' }).waitFor();
}

const eventually = <T>(read: () => Promise<T> | T, timeout = 30_000) => expect.poll(read, { timeout });
const tab = (name: string) => page.locator('.app-nav').getByRole('button', { name });
/** A screenshot of the page as the test left it, which is also checked with axe-core. */
const shot = async (name: string) => {
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  await page.screenshot({ path: path.join('/tmp', name), fullPage: true });
  expect(await seriousA11yViolations(page)).toEqual([]);
};

/** The browser globals a drop needs (the project's tsconfig has no DOM lib). */
interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: string[], name: string, options: { type: string }) => unknown;
  DragEvent: new (type: string, init: Record<string, unknown>) => unknown;
}
type Img = { complete: boolean; naturalWidth: number; src: string };

/** 30 good rows, one refused (bad e-mail, spreadsheet row 5) and one duplicate id. */
function roster(): string {
  const lines = ['Student ID,First Name,Last Name,Email,Hometown,Math,Literature,English'];
  for (let i = 1; i <= 30; i++) {
    lines.push(`CSV-${String(i).padStart(2, '0')},Nguyễn,Văn ${i},,Cần Thơ,${(i % 10) + 0.5},7,8`);
    if (i === 3) lines.push('CSV-BAD,Trần,Thị,not-an-email,Cần Thơ,5,5,5');
  }
  lines.push('CSV-01,Lê,Duplicate,,Cần Thơ,1,1,1');
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!chromiumAvailable())('console import, export and charts in Chromium', () => {
  beforeAll(async () => {
    bundleWeb();
    tables = await createLocalTables();
    s3Dir = mkdtempSync(path.join(tmpdir(), 'console-data-'));
    imports = await startLocalImportsBucket({
      dataDir: s3Dir,
      port: 0,
      deliver: (event) => void deliveries.push(invokeImportHandler(event, () => undefined)),
      corsOrigins: () => (gateway ? [gateway.url] : []),
    });
    Object.assign(process.env, imports.env);
    gateway = await startAuthenticatedGateway({ console: localConsole({ identity: await localIdentity(), connectSources: [imports.s3.endpoint] }) });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [id, hometown, math] of [
      ['EXP-01', 'Huế', 9],
      ['EXP-02', 'Huế', 4.5],
      ['EXP-03', 'Đà Nẵng', 7],
    ] as const) {
      expect(
        (
          await apiCall('POST', '/api/v1/students', {
            student_id: id,
            first_name: 'Phạm',
            last_name: `Export ${id}`,
            hometown,
            math_score: math,
            literature_score: 6,
            english_score: 8,
          })
        ).status,
      ).toBe(201);
    }
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled(deliveries);
    await gateway?.close();
    await imports?.s3.close();
    await tables?.drop();
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  });

  it(
    'imports a chosen CSV through the presigned upload: the bar reaches the end, the refused row is listed with its row number',
    async () => {
      await signIn('staff');
      await tab('Import').click();
      await page.getByRole('heading', { name: 'Import students' }).waitFor();
      await page.locator('#import-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster()) });
      const job = page.locator('.import-job');
      await eventually(() => job.getAttribute('data-status'), 60_000).toBe('completed_with_errors');
      await shot('console-import.png');
      expect(await page.locator('#import-progress').evaluate((bar) => (bar as unknown as { value: number }).value)).toBe(1);
      const text = await page.locator('#import-progress-text').textContent();
      expect(text).toMatch(/^Completed with errors · (\d+(\.\d)? (B|KB)) of \1 · 32 rows/);
      expect(await job.locator('.count-created dd').textContent()).toBe('30');
      expect(await job.locator('.count-errors dd').textContent()).toBe('1');
      expect(await job.locator('.count-skipped dd').textContent()).toBe('1');
      const bad = job.locator('.errors-table tbody tr');
      expect(await bad.count()).toBe(1);
      expect(await bad.first().getAttribute('data-row')).toBe('5'); // header = row 1, CSV-BAD is the 4th data row
      expect(await bad.first().innerText()).toMatch(/5\s+CSV-BAD\s+email/);
      const report = await job.locator('a.report-link').getAttribute('href');
      expect(report).toContain(imports.s3.endpoint);
      expect(((await (await fetch(report!)).json()) as { errors: number }).errors).toBe(1);
      // The recent list shows it with its status; the students are in the API.
      await eventually(() => page.locator('.recent-table tbody tr').first().textContent()).toContain('Completed with errors');
      expect((await apiCall('GET', '/api/v1/students/CSV-30')).body).toMatchObject({ first_name: 'Nguyễn', hometown: 'Cần Thơ' });
      // The browser itself PUT the file to the bucket: a cross-origin request the CORS rule allowed.
      expect(requested.some((url) => url.startsWith(`${imports.s3.endpoint}/`) && url.includes('/uploads/imp_'))).toBe(true);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'imports a dropped file (and says why one without the required columns failed) and an XLSX in upsert mode',
    async () => {
      // What the browser does when a file is dropped (the project's type-check has no DOM lib: hence the casts).
      await page.locator('.drop-zone').evaluate((zone, csv) => {
        const browser = globalThis as unknown as DropGlobals;
        const data = new browser.DataTransfer();
        data.items.add(new browser.File([csv], 'no-names.csv', { type: 'text/csv' }));
        (zone as unknown as { dispatchEvent(event: unknown): boolean }).dispatchEvent(
          new browser.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }),
        );
      }, 'Student ID,Email\nX1,a@example.com\n');
      const job = page.locator('.import-job');
      await eventually(() => job.getAttribute('data-status'), 60_000).toBe('failed');
      expect(await job.locator('h2').textContent()).toBe('no-names.csv');
      expect(await job.locator('.form-error').textContent()).toMatch(/missing required columns: first_name, last_name/);
      // A file that is not CSV/XLSX is refused in the page, before anything is uploaded.
      await page.locator('#import-file').setInputFiles({ name: 'roster.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF') });
      await eventually(() => page.locator('.imports > .form-error').textContent()).toContain('is not a CSV or XLSX file');
      // An Excel workbook goes the same way, in upsert mode: an existing id is updated, not refused.
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Students');
      sheet.addRows([
        ['Student ID', 'First Name', 'Last Name', 'Hometown'],
        ['CSV-01', 'Nguyễn', 'Văn Một', 'Hội An'],
        ['XLSX-01', 'Võ', 'Thị Sáu', 'Hội An'],
      ]);
      await page.locator('#import-mode').selectOption('upsert');
      await page.locator('#import-file').setInputFiles({
        name: 'roster.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
      });
      await eventually(() => job.getAttribute('data-status'), 60_000).toBe('completed');
      expect(await job.locator('h2').textContent()).toBe('roster.xlsx');
      expect([await job.locator('.count-created dd').textContent(), await job.locator('.count-updated dd').textContent()]).toEqual(['1', '1']);
      expect(await job.locator('.errors-table').count()).toBe(0);
      expect((await apiCall('GET', '/api/v1/students/CSV-01')).body).toMatchObject({ last_name: 'Văn Một', hometown: 'Hội An' });
      await page.locator('#import-mode').selectOption('create');
      // "Show" on the earlier import brings its result back.
      await page.locator('.recent-table tbody tr').filter({ hasText: 'roster.csv' }).getByRole('button').click();
      await eventually(() => job.locator('h2').textContent()).toBe('roster.csv');
      await eventually(() => job.locator('.errors-table tbody tr').count()).toBe(1);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'exports the filtered list as a CSV the browser downloads',
    async () => {
      await tab('Students').click();
      await page.locator('#hometown-filter').fill('huế');
      await eventually(() => page.locator('tbody tr').count()).toBe(2);
      await page.locator('#export-format').selectOption('csv');
      await page.getByRole('button', { name: 'Export' }).click();
      const link = page.locator('.export-result a.download-link');
      await eventually(() => link.textContent()).toMatch(/^Download .+\.csv$/);
      expect(await link.getAttribute('href')).toMatch(/^blob:/);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.charCodeAt(0)).toBe(0xfeff); // the BOM Excel needs for accents
      const ids = csv
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => line.split(',')[0]);
      expect(ids).toEqual(['EXP-01', 'EXP-02']);
      await shot('console-export.png');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'follows the 303 of a large export to S3 and offers the presigned link, which downloads the file',
    async () => {
      process.env.EXPORT_INLINE_PAYLOAD_BYTES = '200';
      try {
        await page.locator('#hometown-filter').fill('');
        await eventually(() => page.locator('.page-summary').textContent()).toContain('34 students');
        await page.locator('#export-format').selectOption('xml');
        await page.getByRole('button', { name: 'Export' }).click();
        const link = page.locator('.export-result a.download-link');
        await eventually(() => link.getAttribute('href')).toMatch(new RegExp(`^${imports.s3.endpoint}/`));
        expect(await link.textContent()).toMatch(/^Download .+\.xml$/);
        expect(await page.locator('.export-result').textContent()).toContain('large export');
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        const xml = readFileSync((await download.path())!, 'utf8');
        expect(xml.match(/<student>/g)).toHaveLength(34);
        expect(xml).toContain('<first_name>Nguyễn</first_name>');
      } finally {
        delete process.env.EXPORT_INLINE_PAYLOAD_BYTES;
      }
    },
    BROWSER_TIMEOUT,
  );

  it(
    'shows the statistics and the four SVG charts, fetched with the token, filtered by hometown',
    async () => {
      await tab('Charts').click();
      await page.getByRole('heading', { name: 'Scores and charts' }).waitFor();
      const images = page.locator('.chart img');
      await eventually(() => images.count()).toBe(4);
      await eventually(() => images.evaluateAll((elements) => (elements as unknown as Img[]).map((img) => img.complete && img.naturalWidth > 0))).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(await images.evaluateAll((elements) => (elements as unknown as Img[]).map((img) => img.src.slice(0, 5)))).toEqual([
        'blob:',
        'blob:',
        'blob:',
        'blob:',
      ]);
      expect(await images.first().getAttribute('alt')).toMatch(/Histogram/);
      expect(await page.locator('.stats-summary .count').first().innerText()).toMatch(/Students\s+34/i);
      const stats = (await apiCall('GET', '/api/v1/students/statistics')).body;
      expect(await page.locator('.stats-table tbody tr[data-subject="math"] td').first().textContent()).toBe(String(stats.subjects.math.count));
      expect(await page.locator('.stats-table tbody tr[data-subject="math"] td').nth(1).textContent()).toBe(String(stats.subjects.math.mean));
      await shot('console-charts.png');
      const before = await images.first().getAttribute('src');
      await page.locator('#charts-hometown').fill('Huế');
      await eventually(() => page.locator('.stats-summary .count').first().innerText()).toMatch(/Students\s+2$/i);
      await eventually(() => images.first().getAttribute('src')).not.toBe(before);
      await eventually(() => images.evaluateAll((elements) => (elements as unknown as Img[]).every((img) => img.naturalWidth > 0))).toBe(true);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'gives a viewer no import page, but the students, export and charts',
    async () => {
      await signIn('viewer');
      expect(await page.locator('.app-nav button').allTextContents()).toEqual(['Students', 'Charts', 'Orders']);
      expect(await page.locator('#import-file').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Export' }).count()).toBe(1);
      // What the page hides, the API refuses too.
      const viewer = await fetch(`${gateway.url}/api/v1/imports`, {
        method: 'POST',
        headers: { ...(await bearer('viewer')), 'content-type': 'application/json' },
        body: '{"entity":"students","filename":"r.csv"}',
      });
      expect(viewer.status).toBe(403);
    },
    BROWSER_TIMEOUT,
  );

  it('used only the console files, the public API and the bucket (presigned)', () => {
    const outside = requested.filter((url) => {
      const { origin, pathname } = new URL(url);
      if (url.startsWith('blob:')) return false;
      if (origin === gateway.url) return !(pathname.startsWith('/console/') || pathname.startsWith('/api/v1/') || pathname === '/openapi.json');
      return origin !== imports.s3.endpoint;
    });
    expect(outside).toEqual([]);
  });
});
