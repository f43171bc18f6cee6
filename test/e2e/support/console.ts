import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { bundleWeb } from '../../../infra/build/bundle-web.js';
import { ROOT } from '../../../infra/build/bundle-functions.js';
import { localConsole } from '../../../infra/local/local-console.js';
import type { LocalGateway } from '../../../infra/local/local-gateway.js';
import type { Role } from '../../../shared/auth/role.js';
import { createLocalTables, type LocalTables } from '../../support/local-tables.js';
import { seriousA11yViolations } from './axe.js';
import { launchChromium } from './browser.js';
import { type Json, startAuthenticatedGateway } from './local-api.js';
import { bearer, localIdentity } from './tokens.js';

/** Where every console test saves its screenshots (look at them). */
export const SCREENSHOTS = path.join(ROOT, '.build', 'screenshots');
/** Room for a cold function bundle and a browser on a busy machine. */
export const BROWSER_TIMEOUT = 90_000;

/** expect.poll with room for a cold function bundle on a busy machine (its default is 1 s). */
export const eventually = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout });

export interface ConsoleHarness {
  tables: LocalTables;
  gateway: LocalGateway;
  browser: Browser;
  page: Page;
  /** A call behind the console's back, as another user would make it (an admin unless `as` says otherwise). */
  apiCall(method: string, path: string, json?: unknown, headers?: Record<string, string>, as?: Role): Promise<{ status: number; body: Json }>;
  /** A fresh load of the console (even when only the `#page` differs), then the local sign-in as `role`. */
  signIn(role: Role, hash?: string): Promise<void>;
  /** The header tab of a page. */
  tab(name: string): Locator;
  /** Clicks a page's tab and waits for its heading. */
  openPage(name: string): Promise<void>;
  /** A full-page screenshot under `.build/screenshots/` (and /tmp), and an axe-core check of that state. */
  shot(name: string): Promise<void>;
  /** Asserts axe-core finds no serious or critical violation on the page as it is. */
  expectAccessible(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every console browser test starts from: the console bundle built, this file's tables,
 * the local gateway with the console and the local sign-in, and a Chromium page.
 */
export async function startConsoleHarness(options: { viewport?: { width: number; height: number } } = {}): Promise<ConsoleHarness> {
  bundleWeb();
  const tables = await createLocalTables();
  const gateway = await startAuthenticatedGateway({ console: localConsole({ identity: await localIdentity() }) });
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } })).newPage();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const tab = (name: string) => page.locator('.app-nav').getByRole('button', { name });
  const expectAccessible = async () => expect(await seriousA11yViolations(page)).toEqual([]);
  return {
    tables,
    gateway,
    browser,
    page,
    apiCall: async (method, urlPath, json, headers = {}, as = 'admin') => {
      const res = await fetch(`${gateway.url}${urlPath}`, {
        method,
        headers: { ...(await bearer(as)), ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : undefined) as Json };
    },
    signIn: async (role, hash = '') => {
      await page.goto('about:blank');
      await page.goto(`${gateway.url}/console/${hash}`);
      await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    tab,
    openPage: async (name) => {
      await tab(name).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
    },
    shot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
      await page.screenshot({ path: path.join('/tmp', name), fullPage: true });
      await expectAccessible();
    },
    expectAccessible,
    close: async () => {
      await browser.close();
      await gateway.close();
      await tables.drop();
    },
  };
}
