import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  beginSignIn,
  checkState,
  completeSignIn,
  isCallback,
  PENDING_SIGN_IN_KEY,
  refreshTokens,
  SignInError,
  signOutUrl,
} from './cognito-auth.js';
import { challengeOf } from './pkce.js';
import type { CognitoSettings } from './runtime-config.js';
import { RefreshRefused } from './token-refresh.js';

/** A Map-backed Storage (node has no sessionStorage). */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear = () => this.items.clear();
  getItem = (key: string) => this.items.get(key) ?? null;
  key = (index: number) => [...this.items.keys()][index] ?? null;
  removeItem = (key: string) => void this.items.delete(key);
  setItem = (key: string, value: string) => void this.items.set(key, value);
}

// A stand-in for Cognito's token endpoint: checks the PKCE verifier against the challenge it was shown.
let server: Server;
let settings: CognitoSettings;
let expectedChallenge: string | undefined;
const forms: URLSearchParams[] = [];
beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    forms.push(form);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.url !== '/oauth2/token' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') return json(404, {});
    if (form.get('grant_type') === 'refresh_token') {
      return form.get('refresh_token') === 'good-refresh'
        ? json(200, { access_token: 'access-2', id_token: 'id-2', expires_in: 3600, token_type: 'Bearer' })
        : json(400, { error: 'invalid_grant', error_description: 'Refresh Token has expired' });
    }
    const pkceOk = (await challengeOf(form.get('code_verifier') ?? '')) === expectedChallenge;
    if (form.get('code') !== 'the-code' || !pkceOk) return json(400, { error: 'invalid_grant' });
    json(200, { access_token: 'access-1', id_token: 'id-1', refresh_token: 'good-refresh', expires_in: 3600, token_type: 'Bearer' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  settings = { domain, clientId: 'client123', redirectUri: 'https://console.example/', scopes: ['openid', 'email'] };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  forms.length = 0;
});

/** Begins a sign-in and returns the URL Cognito would send the browser back to. */
async function signInRoundTrip(storage: Storage, tamper: (state: string) => string = (state) => state) {
  const authorize = new URL(await beginSignIn(settings, storage));
  expectedChallenge = authorize.searchParams.get('code_challenge') ?? undefined;
  return new URL(`https://console.example/?code=the-code&state=${tamper(authorize.searchParams.get('state')!)}`);
}

describe('Cognito sign-in (authorization code + PKCE)', () => {
  it('sends the browser to the hosted UI with the code flow, the client, the scopes and an S256 challenge', async () => {
    const url = new URL(authorizeUrl(settings, 'st', 'ch'));
    expect(`${url.origin}${url.pathname}`).toBe(`${settings.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'https://console.example/',
      scope: 'openid email',
      state: 'st',
      code_challenge_method: 'S256',
      code_challenge: 'ch',
    });
  });

  it('keeps only the verifier and state in storage, and the challenge is the verifier’s S256', async () => {
    const storage = new MemoryStorage();
    const url = new URL(await beginSignIn(settings, storage));
    const pending = JSON.parse(storage.getItem(PENDING_SIGN_IN_KEY)!);
    expect(Object.keys(pending).sort()).toEqual(['state', 'verifier']);
    expect(url.searchParams.get('state')).toBe(pending.state);
    expect(url.searchParams.get('code_challenge')).toBe(await challengeOf(pending.verifier));
    expect(url.searchParams.has('code_verifier')).toBe(false);
  });

  it('redeems the code with the verifier, and removes the pending sign-in', async () => {
    const storage = new MemoryStorage();
    const tokens = await completeSignIn(settings, await signInRoundTrip(storage), storage, fetch, () => 1_000);
    expect(tokens).toEqual({ accessToken: 'access-1', idToken: 'id-1', refreshToken: 'good-refresh', expiresAt: 1_000 + 3_600_000 });
    expect(forms[0]?.get('grant_type')).toBe('authorization_code');
    expect(forms[0]?.get('redirect_uri')).toBe('https://console.example/');
    expect(storage.length).toBe(0);
  });

  it('refuses a callback whose state is not this tab’s, before any token request', async () => {
    const storage = new MemoryStorage();
    const callback = await signInRoundTrip(storage, (state) => `${state.slice(0, -1)}x`);
    await expect(completeSignIn(settings, callback, storage)).rejects.toThrow(/state mismatch/);
    expect(forms).toHaveLength(0);
    expect(storage.length).toBe(0);
  });

  it('refuses a replayed callback: the pending sign-in is used once', async () => {
    const storage = new MemoryStorage();
    const callback = await signInRoundTrip(storage);
    await completeSignIn(settings, callback, storage);
    await expect(completeSignIn(settings, callback, storage)).rejects.toBeInstanceOf(SignInError);
  });

  it('checks the state exactly', () => {
    expect(() => checkState('abc', 'abc')).not.toThrow();
    for (const [expected, received] of [
      ['abc', 'abd'],
      ['abc', 'ab'],
      [undefined, 'abc'],
      ['abc', null],
      ['', ''],
    ] as const) {
      expect(() => checkState(expected, received), `${expected} vs ${received}`).toThrow(SignInError);
    }
  });

  it('explains an error callback (the user cancelled, the client is misconfigured)', async () => {
    const url = new URL('https://console.example/?error=access_denied&error_description=User+cancelled');
    expect(isCallback(url)).toBe(true);
    expect(isCallback(new URL('https://console.example/'))).toBe(false);
    await expect(completeSignIn(settings, url, new MemoryStorage())).rejects.toThrow('The sign-in was not completed: User cancelled.');
  });

  it('refreshes with the refresh token, which it keeps when Cognito does not rotate it', async () => {
    const tokens = await refreshTokens(settings, 'good-refresh', fetch, () => 5);
    expect(tokens).toEqual({ accessToken: 'access-2', idToken: 'id-2', refreshToken: 'good-refresh', expiresAt: 5 + 3_600_000 });
    expect(Object.fromEntries(forms[0]!)).toEqual({ grant_type: 'refresh_token', client_id: 'client123', refresh_token: 'good-refresh' });
  });

  it('turns an expired refresh token into RefreshRefused (no retry will help)', async () => {
    await expect(refreshTokens(settings, 'stale', fetch)).rejects.toBeInstanceOf(RefreshRefused);
  });

  it('signs out through the hosted UI’s logout with the logout URI', () => {
    const url = new URL(signOutUrl({ ...settings, logoutUri: 'https://console.example/signed-out' }));
    expect(url.pathname).toBe('/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'client123', logout_uri: 'https://console.example/signed-out' });
  });
});
