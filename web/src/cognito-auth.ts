import { challengeOf, createVerifier, randomToken } from './pkce.js';
import type { CognitoSettings } from './runtime-config.js';
import { RefreshRefused } from './token-refresh.js';

/** Tokens of one signed-in user, in this page's memory only. */
export interface TokenSet {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Of the access token, epoch milliseconds. */
  expiresAt: number;
}

/** The sign-in cannot complete (refused, forged or replayed callback); `message` is for the user. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

/**
 * The one thing kept in sessionStorage: the PKCE verifier and the state of a sign-in in
 * flight, for the trip to the hosted UI and back (this tab only, removed when the callback is
 * read). Tokens never go there.
 */
export const PENDING_SIGN_IN_KEY = 'records-console.pending-sign-in';

interface PendingSignIn {
  state: string;
  verifier: string;
}

/** The hosted UI's authorize URL for the code flow with an S256 challenge. */
export function authorizeUrl(settings: CognitoSettings, state: string, challenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: (settings.scopes ?? ['openid']).join(' '),
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  return `${settings.domain}/oauth2/authorize?${query}`;
}

/** Stores a fresh verifier and state, then returns where to send the browser. */
export async function beginSignIn(settings: CognitoSettings, storage: Storage): Promise<string> {
  const pending: PendingSignIn = { state: randomToken(16), verifier: createVerifier() };
  storage.setItem(PENDING_SIGN_IN_KEY, JSON.stringify(pending));
  return authorizeUrl(settings, pending.state, await challengeOf(pending.verifier));
}

/** Whether this URL is Cognito sending the browser back (`code` or `error` in the query). */
export function isCallback(url: URL): boolean {
  return url.searchParams.has('code') || url.searchParams.has('error');
}

/** Throws unless the callback's state is the one this tab sent (no state, another tab's, a forged link). */
export function checkState(expected: string | undefined, received: string | null): void {
  if (!expected || !received || expected.length !== received.length)
    throw new SignInError('This sign-in link is not from this window (state mismatch). Please sign in again.');
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  if (diff !== 0) throw new SignInError('This sign-in link is not from this window (state mismatch). Please sign in again.');
}

/** Reads the callback, checks its state against the pending sign-in (used once) and redeems the code. */
export async function completeSignIn(
  settings: CognitoSettings,
  url: URL,
  storage: Storage,
  fetchImpl: typeof fetch = fetch,
  now = Date.now,
): Promise<TokenSet> {
  const pending = takePending(storage);
  const error = url.searchParams.get('error');
  if (error) throw new SignInError(`The sign-in was not completed: ${url.searchParams.get('error_description') ?? error}.`);
  checkState(pending?.state, url.searchParams.get('state'));
  return tokenRequest(
    settings,
    {
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code: url.searchParams.get('code') ?? '',
      redirect_uri: settings.redirectUri,
      code_verifier: pending!.verifier,
    },
    fetchImpl,
    now,
  );
}

/** New access and id tokens for a refresh token (Cognito keeps the refresh token unless it rotates it). */
export async function refreshTokens(settings: CognitoSettings, refreshToken: string, fetchImpl: typeof fetch = fetch, now = Date.now): Promise<TokenSet> {
  const tokens = await tokenRequest(settings, { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken }, fetchImpl, now);
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

/** Revokes the refresh token (and the tokens issued from it); best effort: sign-out goes on regardless. */
export async function revokeRefreshToken(settings: CognitoSettings, refreshToken: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  await fetchImpl(`${settings.domain}/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken, client_id: settings.clientId }),
    credentials: 'omit',
  }).catch(() => undefined);
}

/** The hosted UI's logout, which ends its own session cookie and returns to the console. */
export function signOutUrl(settings: CognitoSettings): string {
  return `${settings.domain}/logout?${new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri ?? settings.redirectUri })}`;
}

function takePending(storage: Storage): PendingSignIn | undefined {
  const raw = storage.getItem(PENDING_SIGN_IN_KEY);
  storage.removeItem(PENDING_SIGN_IN_KEY);
  try {
    const pending = raw === null ? undefined : (JSON.parse(raw) as Partial<PendingSignIn>);
    return typeof pending?.state === 'string' && typeof pending.verifier === 'string' ? (pending as PendingSignIn) : undefined;
  } catch {
    return undefined;
  }
}

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

/** POST /oauth2/token; an OAuth error (invalid_grant, …) is a RefreshRefused that trying again will not fix. */
async function tokenRequest(settings: CognitoSettings, form: Record<string, string>, fetchImpl: typeof fetch, now: () => number): Promise<TokenSet> {
  const res = await fetchImpl(`${settings.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
    credentials: 'omit',
  });
  const body = (await res.json().catch(() => ({}))) as TokenResponse;
  if (res.status >= 400 && res.status < 500 && body.error)
    throw new RefreshRefused(`Cognito refused the sign-in (${body.error_description ?? body.error}). Please sign in again.`);
  if (!res.ok || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
    throw new SignInError(`Cognito's token endpoint answered ${res.status}.`);
  return {
    accessToken: body.access_token,
    ...(body.id_token ? { idToken: body.id_token } : {}),
    ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
    expiresAt: now() + body.expires_in * 1000,
  };
}
