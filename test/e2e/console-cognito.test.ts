import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { bundleWeb, WEB_BUNDLE_DIR, WEB_FILES } from '../../infra/build/bundle-web.js';
import { consoleContentSecurityPolicy } from '../../infra/build/console-browser-policy.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import type { Role } from '../../shared/auth/role.js';
import type { CognitoRuntimeConfig } from '../../web/src/runtime-config.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { startAuthenticatedGateway } from './support/local-api.js';
import { bearer, tokenFor } from './support/tokens.js';

const BROWSER_TIMEOUT = 90_000;
const CLIENT_ID = 'consoleclient1';
/** What the fake token endpoint says of its access tokens' lifetime: short, so a refresh comes within the test. */
const EXPIRES_IN_SECONDS = 4;

/** Cognito's hosted UI as the console sees it: /oauth2/authorize, /oauth2/token (PKCE checked), /oauth2/revoke, /logout. */
interface FakeCognito {
  url: string;
  role: Role;
  grants: string[];
  revoked: string[];
  issued: string[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function startFakeCognito(consoleOrigin: () => string): Promise<FakeCognito> {
  const codes = new Map<string, { challenge: string; redirectUri: string; role: Role }>();
  const refreshTokens = new Map<string, Role>();
  const fake: Omit<FakeCognito, 'url' | 'close'> = { role: 'staff', grants: [], revoked: [], issued: [] };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    // Cognito's token and revoke endpoints answer browsers with CORS.
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': consoleOrigin() });
    res.end(JSON.stringify(body));
  };
  const tokens = async (role: Role) => {
    // The local identity provider's token (the audience the local authorizer trusts), one of a kind.
    const access = await tokenFor(role, { claims: { jti: randomBytes(6).toString('hex') } });
    fake.issued.push(access);
    return { access_token: access, id_token: access, expires_in: EXPIRES_IN_SECONDS, token_type: 'Bearer' };
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/oauth2/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
        return json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(8).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, role: fake.role });
      res.writeHead(302, { location: `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state') ?? '')}` });
      return res.end();
    }
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const form = await formOf(req);
      fake.grants.push(form.get('grant_type') ?? '');
      if (form.get('grant_type') === 'authorization_code') {
        const pending = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const challenge = createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url');
        if (!pending || pending.challenge !== challenge || pending.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant' });
        const refresh = randomBytes(8).toString('hex');
        refreshTokens.set(refresh, pending.role);
        return json(res, 200, { ...(await tokens(pending.role)), refresh_token: refresh });
      }
      const role = refreshTokens.get(form.get('refresh_token') ?? '');
      return role ? json(res, 200, await tokens(role)) : json(res, 400, { error: 'invalid_grant', error_description: 'Refresh Token has been revoked' });
    }
    if (url.pathname === '/oauth2/revoke' && req.method === 'POST') {
      const token = (await formOf(req)).get('token') ?? '';
      fake.revoked.push(token);
      refreshTokens.delete(token);
      return json(res, 200, {});
    }
    if (url.pathname === '/logout') {
      res.writeHead(302, { location: url.searchParams.get('logout_uri') ?? '/' });
      return res.end();
    }
    json(res, 404, {});
  });
  const base = await listen(server);
  return Object.assign(fake, { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** The console as CloudFront serves it: the build at `/`, the deploy-time config.json, the CSP. */
async function startConsoleSite(config: () => CognitoRuntimeConfig, csp: () => string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0]!;
    const headers = { 'content-security-policy': csp(), 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
    if (name === 'config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      return res.end(JSON.stringify(config()));
    }
    if (!Object.hasOwn(WEB_FILES, name)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { ...headers, 'content-type': WEB_FILES[name as keyof typeof WEB_FILES] });
    res.end(await readFile(path.join(WEB_BUNDLE_DIR, name)));
  });
  const url = await listen(server);
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let tables: LocalTables;
let gateway: LocalGateway;
let cognito: FakeCognito;
let site: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Bearer tokens the browser sent to the API, in order. */
const apiTokens: string[] = [];
const eventually = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout });

describe.skipIf(!chromiumAvailable())('web console signing in through Cognito (authorization code + PKCE)', () => {
  beforeAll(async () => {
    bundleWeb();
    tables = await createLocalTables();
    let consoleOrigin = '';
    cognito = await startFakeCognito(() => consoleOrigin);
    gateway = await startAuthenticatedGateway();
    site = await startConsoleSite(
      () => ({ mode: 'cognito', apiBaseUrl: gateway.url, cognito: { domain: cognito.url, clientId: CLIENT_ID, redirectUri: `${site.url}/` } }),
      () => consoleContentSecurityPolicy([gateway.url, cognito.url]),
    );
    consoleOrigin = site.url;
    // The API runs in this process: its CORS list admits the console's origin, as the stack's does.
    process.env.CORS_ALLOWED_ORIGINS = site.url;
    const created = await fetch(`${gateway.url}/api/v1/students`, {
      method: 'POST',
      headers: { ...(await bearer('admin')), 'content-type': 'application/json' },
      body: JSON.stringify({ student_id: 'COG-01', first_name: 'Nguyễn', last_name: 'Văn An', hometown: 'Huế', math_score: 8 }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('request', (request) => {
      const auth = request.headers().authorization;
      if (request.url().startsWith(`${gateway.url}/api/`) && auth) apiTokens.push(auth.replace(/^Bearer /, ''));
    });
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await cognito?.close();
    await gateway?.close();
    await tables?.drop();
    delete process.env.CORS_ALLOWED_ORIGINS;
  });

  it('signs in through the hosted UI, keeps the tokens out of storage, and calls the API on its own origin', async () => {
    await page.goto(`${site.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('For local development only').count()).toBe(0);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Students' }).waitFor({ timeout: 30_000 });
    await eventually(() => page.locator('.who').textContent()).toContain('staff');
    // The list and the declared sorts (from /openapi.json) came from the API's origin, through CORS.
    await page.locator('tbody tr[data-id="COG-01"]').waitFor();
    expect(await page.locator('tbody tr[data-id="COG-01"]').textContent()).toContain('Nguyễn');
    await eventually(() => page.locator('#sort option').count()).toBeGreaterThan(1);
    expect(page.url()).toBe(`${site.url}/`);
    expect(cognito.grants).toEqual(['authorization_code']);
    await eventually(() => apiTokens.length).toBeGreaterThan(0);
    expect(apiTokens[0]).toBe(cognito.issued[0]);
    const storage = await page.evaluate('({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(storage).toEqual({ local: {}, session: {}, cookie: '' });
    expect(await page.locator('.local-tag').count()).toBe(0);
    await page.screenshot({ path: path.join(ROOT, '.build', 'screenshots', 'console-cognito.png') });
  });

  it('refreshes the tokens before they expire and sends the new access token', async () => {
    await eventually(() => cognito.grants.filter((grant) => grant === 'refresh_token').length, 15_000).toBeGreaterThan(0);
    const sentBefore = apiTokens.length;
    await page.getByRole('button', { name: 'Charts' }).click();
    await eventually(() => apiTokens.length).toBeGreaterThan(sentBefore);
    const after = apiTokens.slice(sentBefore);
    expect(after.every((token) => token !== cognito.issued[0] && cognito.issued.includes(token))).toBe(true);
  });

  it('signs out: revokes the refresh token, ends the hosted-UI session and comes back to the sign-in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(cognito.revoked).toHaveLength(1);
    expect(page.url()).toBe(`${site.url}/`);
  });

  it('refuses a callback whose state this tab did not send, without redeeming the code', async () => {
    const grants = cognito.grants.length;
    await page.goto(`${site.url}/?code=stolen&state=forged`);
    await page.getByText(/state mismatch/).waitFor();
    expect(cognito.grants).toHaveLength(grants);
    expect(page.url()).toBe(`${site.url}/`);
  });

  it('tells a user in no role group why the console will not open', async () => {
    cognito.role = null as unknown as Role;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/no role in the console yet/).waitFor({ timeout: 30_000 });
    cognito.role = 'staff';
  });
});
