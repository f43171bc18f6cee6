import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { captureEmf } from '../../infra/local/dashboard/emf-capture.js';
import { localDashboard } from '../../infra/local/dashboard/local-dashboard.js';
import { LocalTelemetry, type LocalTelemetrySnapshot } from '../../infra/local/dashboard/local-telemetry.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { startAuthenticatedGateway } from './support/local-api.js';
import { bearer } from './support/tokens.js';

/**
 * The local dashboard as `npm start` wires it: the gateway reports requests, the invoker
 * invocations, and the bundles' real EMF output (Powertools Metrics on, as locally) is read
 * from stdout.
 */
let tables: LocalTables;
let gateway: LocalGateway;
let stopCapture: () => void;
const telemetry = new LocalTelemetry();

beforeAll(async () => {
  // The bundles' Metrics read these at init: print EMF to stdout, as in Lambda (not dev mode's console).
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  stopCapture = captureEmf(telemetry);
  tables = await createLocalTables();
  gateway = await startAuthenticatedGateway({
    invoker: new LambdaInvoker(undefined, (invocation) => telemetry.recordInvocation(invocation)),
    onRequest: (request) => telemetry.recordRequest(request),
    dashboard: localDashboard(telemetry),
  });
});
afterAll(async () => {
  stopCapture?.();
  await gateway?.close();
  await tables?.drop();
});

async function metrics(): Promise<LocalTelemetrySnapshot> {
  const res = await fetch(`${gateway.url}/_local/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as LocalTelemetrySnapshot;
}

const student = (id: string) => ({ student_id: id, first_name: 'An', last_name: 'Nguyen', math_score: 8, literature_score: 7, english_score: 9 });

describe('the local dashboard', () => {
  it('counts requests per route, 4xx, invocations and the StudentsCreated the bundles print', async () => {
    const staff = { 'content-type': 'application/json', ...(await bearer('staff')) };
    for (const id of ['D001', 'D002', 'D003']) {
      const res = await fetch(`${gateway.url}/api/v1/students`, { method: 'POST', headers: staff, body: JSON.stringify(student(id)) });
      expect(res.status).toBe(201);
    }
    const missing = await fetch(`${gateway.url}/api/v1/students/NOPE404`, { headers: await bearer('viewer') });
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${gateway.url}/api/v1/students`);
    expect(anonymous.status).toBe(401);

    const data = await metrics();
    const create = data.routes.find((route) => route.route === 'POST /api/v1/students');
    expect(create).toMatchObject({ requests: 3, client_errors: 0, server_errors: 0 });
    expect(create!.p99_ms).toBeGreaterThan(0);
    expect(data.routes.find((route) => route.route === 'GET /api/v1/students/{student_id}')).toMatchObject({ requests: 1, client_errors: 1 });
    expect(data.routes.find((route) => route.route === 'GET /api/v1/students')).toMatchObject({ requests: 1, client_errors: 1 });
    expect(data.api).toEqual({ requests: 5, client_errors: 2, server_errors: 0 });
    expect(data.functions.find((fn) => fn.function === 'students-create')).toMatchObject({ invocations: 3, errors: 0 });
    // The business metric arrives from the bundle's own EMF line, with the function as `service`.
    expect(data.totals.StudentsCreated).toBe(3);
    expect(data.metrics.find((m) => m.name === 'StudentsCreated')).toMatchObject({
      group: 'students',
      unit: 'Count',
      dimensions: { service: 'students-create' },
      sum: 3,
    });
    expect(data.totals.ClientError).toBeGreaterThanOrEqual(1);
  });

  it('serves the page and the vendored chart libraries from the gateway, no CDN', async () => {
    const page = await fetch(`${gateway.url}/_local/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/_local/dashboard/vega.min.js', '/_local/dashboard/vega-lite.min.js', '/_local/dashboard/dashboard.js']);
    expect(html).not.toMatch(/https?:\/\/(?!vega\.github\.io)/);
    for (const src of scripts) {
      const res = await fetch(`${gateway.url}${src}`);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    }
    expect((await fetch(`${gateway.url}/_local/dashboard/../../package.json`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/_local/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

const SCREENSHOTS = path.join(ROOT, '.build', 'screenshots');

describe.runIf(chromiumAvailable())('the local dashboard in headless Chromium', () => {
  it('charts the requests and business metrics with the vendored vega-lite, no request leaving the gateway', { timeout: 90_000 }, async () => {
    // Some traffic of its own, so the page has series to draw even when run alone.
    const staff = { 'content-type': 'application/json', ...(await bearer('staff')) };
    await fetch(`${gateway.url}/api/v1/students`, { method: 'POST', headers: staff, body: JSON.stringify(student('D100')) });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      const elsewhere: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(gateway.url)) elsewhere.push(request.url());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${gateway.url}/_local/dashboard`);
      await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
      await page.locator('#chart-requests svg').waitFor({ timeout: 30_000 });
      await page.locator('#chart-group-students svg').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('#routes tbody').textContent()).toContain('POST /api/v1/students');
      expect(await page.locator('#chart-group-students svg').textContent()).toContain('StudentsCreated');
      // Marks were drawn: a line in the requests chart and in the students row.
      expect(await page.locator('#chart-requests svg g.mark-line path').count()).toBeGreaterThan(0);
      expect(await page.locator('#chart-group-students svg g.mark-line path').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(elsewhere).toEqual([]);
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, 'local-dashboard.png');
      await page.screenshot({ path: file, fullPage: true });
      // Not blank: a PNG of a drawn page is far bigger than one of a white sheet.
      expect(readFileSync(file).length).toBeGreaterThan(30_000);
    } finally {
      await browser.close();
    }
  });
});
