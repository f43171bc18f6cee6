import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../errors/app-error.js';
import { API_KEY_CACHE_MS, type ApiKeyVerifier, createAuthenticator, JWT_CACHE_MS } from './authenticator.js';
import { CredentialRejected } from './credential-rejected.js';
import { FailedAuthLimiter } from './failed-auth-limiter.js';
import type { JwtVerifier, VerifiedToken } from './jwt-verifier.js';
import type { Principal } from './principal.js';
import type { RevocationList } from './revocation-list.js';

/** Fakes at the ports: a verifier that counts calls, a revocation list in a Set, a settable clock. */
function setup(options: { token?: Partial<VerifiedToken>; jwtError?: Error; apiKeyError?: Error; revocationError?: Error } = {}) {
  let clock = 1_800_000_000_000;
  const calls = { jwt: 0, apiKey: 0, revocation: [] as string[] };
  const revoked = new Set<string>();
  const jwt: JwtVerifier = {
    async verify() {
      calls.jwt++;
      if (options.jwtError) throw options.jwtError;
      return {
        principal: { sub: 'user-1', role: 'staff', method: 'jwt', jti: 'jti-1' },
        expiresAt: Math.floor(clock / 1000) + 3600,
        ...options.token,
      };
    },
  };
  const apiKeys: ApiKeyVerifier = {
    async verify(): Promise<Principal> {
      calls.apiKey++;
      if (options.apiKeyError) throw options.apiKeyError;
      return { sub: 'ak_0123456789abcdef', role: 'viewer', method: 'api_key' };
    },
  };
  const revocations: RevocationList = {
    async isRevoked(handle) {
      calls.revocation.push(handle);
      if (options.revocationError) throw options.revocationError;
      return revoked.has(handle);
    },
    async revoke(handle) {
      revoked.add(handle);
    },
  };
  const deps = { jwt, apiKeys, revocations, now: () => clock };
  const authenticator = createAuthenticator(deps);
  return { authenticator, deps, calls, revoked, advance: (ms: number) => (clock += ms) };
}

const bearer = { authorization: 'Bearer header.payload.signature' };
const apiKey = { 'x-api-key': 'ak_0123456789abcdef.secret' };

describe('createAuthenticator', () => {
  it('reports missing credentials when neither header carries a value', async () => {
    const { authenticator } = setup();
    for (const headers of [{}, { authorization: '' }, { 'x-api-key': '  ' }]) {
      expect((await authenticator.authenticate(headers)).outcome).toEqual({ ok: false, failure: 'missing' });
    }
  });

  it('refuses other schemes, a bare token and both credentials at once as malformed', async () => {
    const { authenticator, calls } = setup();
    for (const headers of [
      { authorization: 'Basic dXNlcjpwdw==' },
      { authorization: 'header.payload.signature' },
      { authorization: 'Bearer a b' },
      { ...bearer, ...apiKey },
    ]) {
      expect((await authenticator.authenticate(headers)).outcome).toEqual({ ok: false, failure: 'malformed' });
    }
    expect(calls.jwt + calls.apiKey).toBe(0);
  });

  it('accepts the Bearer scheme case-insensitively', async () => {
    const { authenticator } = setup();
    expect((await authenticator.authenticate({ authorization: 'bearer header.payload.signature' })).outcome.ok).toBe(true);
  });

  it('verifies a token once and then serves it from the cache, checking revocation every time', async () => {
    const { authenticator, calls, revoked } = setup();
    expect((await authenticator.authenticate(bearer)).outcome).toMatchObject({ ok: true, principal: { sub: 'user-1', role: 'staff' } });
    expect((await authenticator.authenticate(bearer)).outcome.ok).toBe(true);
    expect(calls.jwt).toBe(1);
    expect(calls.revocation).toEqual(['jti-1', 'jti-1']);
    revoked.add('jti-1');
    expect(await authenticator.authenticate(bearer)).toMatchObject({ outcome: { ok: false, failure: 'revoked' }, detail: 'jwt.revoked' });
  });

  it('re-verifies a cached token after five minutes', async () => {
    const { authenticator, calls, advance } = setup();
    await authenticator.authenticate(bearer);
    advance(JWT_CACHE_MS + 1);
    await authenticator.authenticate(bearer);
    expect(calls.jwt).toBe(2);
  });

  it('never caches a token beyond its own expiry', async () => {
    const { authenticator, calls, advance } = setup({ token: { expiresAt: Math.floor(1_800_000_000_000 / 1000) + 10 } });
    await authenticator.authenticate(bearer);
    advance(11_000);
    await authenticator.authenticate(bearer);
    expect(calls.jwt).toBe(2);
  });

  it('caches API keys for a minute and checks their revocation handle', async () => {
    const { authenticator, calls, revoked, advance } = setup();
    expect((await authenticator.authenticate(apiKey)).outcome).toMatchObject({ ok: true, principal: { method: 'api_key', role: 'viewer' } });
    await authenticator.authenticate(apiKey);
    expect(calls.apiKey).toBe(1);
    expect(calls.revocation).toEqual(['api-key:ak_0123456789abcdef', 'api-key:ak_0123456789abcdef']);
    advance(API_KEY_CACHE_MS + 1);
    await authenticator.authenticate(apiKey);
    expect(calls.apiKey).toBe(2);
    revoked.add('api-key:ak_0123456789abcdef');
    expect((await authenticator.authenticate(apiKey)).outcome).toEqual({ ok: false, failure: 'revoked' });
  });

  it('passes a verifier rejection on with its detail and caches nothing', async () => {
    const { authenticator, calls } = setup({ jwtError: new CredentialRejected('expired', 'jwt.expired') });
    expect(await authenticator.authenticate(bearer)).toMatchObject({ outcome: { ok: false, failure: 'expired' }, detail: 'jwt.expired' });
    await authenticator.authenticate(bearer);
    expect(calls.jwt).toBe(2);
  });

  it('answers unavailable when a dependency fails, keeping the error for the log', async () => {
    const failure = new DependencyUnavailableError('DynamoDB', 1);
    const { authenticator } = setup({ apiKeyError: failure });
    expect(await authenticator.authenticate(apiKey)).toEqual({
      outcome: { ok: false, failure: 'unavailable' },
      detail: 'dependency.unavailable',
      error: failure,
    });
  });

  it('identifies the caller but flags it when the revocation list cannot answer (never "not revoked")', async () => {
    const timeout = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const { authenticator } = setup({ revocationError: timeout });
    for (const headers of [bearer, apiKey]) {
      const result = await authenticator.authenticate(headers);
      expect(result.outcome).toMatchObject({ ok: true, revocationUnchecked: true });
      expect(result.detail).toMatch(/\.revocationUnchecked$/);
      expect(result.error).toBe(timeout);
    }
  });

  it('refuses a source out of failed-attempt budget before any verification, and counts only failures', async () => {
    const { calls } = setup();
    const failures = new FailedAuthLimiter({ ip: { perMinute: 1, burst: 2 }, apiKey: { perMinute: 1, burst: 100 } }, () => 0);
    const rejecting = setup({ jwtError: new CredentialRejected('invalid', 'jwt.signature') });
    const authenticator = createAuthenticator({ ...rejecting.deps, failures });
    const source = { ip: '203.0.113.9' };
    expect((await authenticator.authenticate(bearer, source)).outcome).toEqual({ ok: false, failure: 'invalid' });
    expect((await authenticator.authenticate({}, source)).outcome).toEqual({ ok: false, failure: 'missing' }); // not counted
    expect((await authenticator.authenticate(bearer, source)).outcome).toEqual({ ok: false, failure: 'invalid' });
    const verifications = rejecting.calls.jwt;
    expect(await authenticator.authenticate(bearer, source)).toEqual({
      outcome: { ok: false, failure: 'throttled', retryAfterSeconds: 60 },
      detail: 'auth.tooManyFailures',
    });
    expect(rejecting.calls.jwt).toBe(verifications); // no work was spent on it
    expect((await authenticator.authenticate(bearer, { ip: '198.51.100.7' })).outcome).toEqual({ ok: false, failure: 'invalid' });
    expect(calls.jwt).toBe(0);
  });
});
