import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialRejected } from './credential-rejected.js';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from './token-lifetime.js';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test';
const CLIENT_ID = 'app-client-1';
const NOW = new Date('2026-11-25T12:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: KeyPair;
let ec: KeyPair;
let rsaPublic: JWK;
let verifier: JwtVerifier;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  rsaPublic = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  const ecPublic = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  verifier = createJwtVerifier({ keys: createLocalJWKSet({ keys: [rsaPublic, ecPublic] }), issuer: ISSUER, audience: [CLIENT_ID], now: () => NOW });
});

/** A Cognito-shaped access token; `claims` override or add, `undefined` removes. */
function accessClaims(claims: JWTPayload = {}): JWTPayload {
  const base: JWTPayload = {
    iss: ISSUER,
    sub: 'user-1',
    token_use: 'access',
    client_id: CLIENT_ID,
    'cognito:groups': ['staff'],
    jti: 'jti-1',
    iat: now - 60,
    exp: now + 3600,
  };
  const merged: JWTPayload = { ...base, ...claims };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

const sign = (claims: JWTPayload, key = rsa.privateKey, header: Record<string, unknown> = { alg: 'RS256', kid: 'rsa-1' }) =>
  new SignJWT(claims).setProtectedHeader(header as never).sign(key);

async function rejection(token: string): Promise<CredentialRejected> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CredentialRejected);
  return error as CredentialRejected;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createJwtVerifier', () => {
  it('accepts a Cognito access token and resolves sub, role, jti and expiry', async () => {
    await expect(verifier.verify(await sign(accessClaims()))).resolves.toEqual({
      principal: { sub: 'user-1', role: 'staff', method: 'jwt', jti: 'jti-1' },
      expiresAt: now + 3600,
    });
  });

  it('accepts an ES256 token', async () => {
    const token = await sign(accessClaims(), ec.privateKey, { alg: 'ES256', kid: 'ec-1' });
    expect((await verifier.verify(token)).principal.sub).toBe('user-1');
  });

  it('checks an id token by its aud claim', async () => {
    const idToken = accessClaims({ token_use: 'id', client_id: undefined, aud: CLIENT_ID });
    expect((await verifier.verify(await sign(idToken))).principal.role).toBe('staff');
    expect((await rejection(await sign({ ...idToken, aud: 'other-client' }))).failure).toBe('invalid');
  });

  it('takes the highest role among the groups and ignores other groups', async () => {
    const token = await sign(accessClaims({ 'cognito:groups': ['viewer', 'billing', 'admin', 'staff'] }));
    expect((await verifier.verify(token)).principal.role).toBe('admin');
  });

  it('resolves a user in no role group with role null', async () => {
    expect((await verifier.verify(await sign(accessClaims({ 'cognito:groups': ['billing'] })))).principal.role).toBeNull();
    expect((await verifier.verify(await sign(accessClaims({ 'cognito:groups': undefined })))).principal.role).toBeNull();
  });

  it('tolerates 30 s of clock skew on exp and nbf, and no more', async () => {
    expect((await verifier.verify(await sign(accessClaims({ exp: now - 20 })))).principal.sub).toBe('user-1');
    expect((await rejection(await sign(accessClaims({ exp: now - 40 })))).failure).toBe('expired');
    expect((await verifier.verify(await sign(accessClaims({ nbf: now + 20 })))).principal.sub).toBe('user-1');
    expect((await rejection(await sign(accessClaims({ nbf: now + 40 })))).failure).toBe('invalid');
  });

  it('refuses a token issued longer ago than the longest token lifetime, whatever its exp', async () => {
    const old = accessClaims({ iat: now - MAX_TOKEN_LIFETIME_SECONDS - 31, exp: now + 3600 });
    expect((await rejection(await sign(old))).failure).toBe('expired');
    const recent = accessClaims({ iat: now - MAX_TOKEN_LIFETIME_SECONDS + 60, exp: now + 3600 });
    expect((await verifier.verify(await sign(recent))).principal.sub).toBe('user-1');
  });

  it('refuses a token issued in the future beyond the leeway, and one without iat', async () => {
    expect((await verifier.verify(await sign(accessClaims({ iat: now + 20 })))).principal.sub).toBe('user-1');
    expect((await rejection(await sign(accessClaims({ iat: now + 120 })))).failure).toBe('invalid');
    expect((await rejection(await sign(accessClaims({ iat: undefined })))).failure).toBe('invalid');
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const other = await generateKeyPair('RS256');
    expect((await rejection(await sign(accessClaims(), other.privateKey))).failure).toBe('invalid');
  });

  it('refuses an unknown kid', async () => {
    expect((await rejection(await sign(accessClaims(), rsa.privateKey, { alg: 'RS256', kid: 'nope' }))).failure).toBe('invalid');
  });

  it('refuses alg none, with or without a signature', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(accessClaims())}.`;
    expect(['invalid', 'malformed']).toContain((await rejection(unsigned)).failure);
    const faked = `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(accessClaims())}.c2ln`;
    expect(['invalid', 'malformed']).toContain((await rejection(faked)).failure);
  });

  it('refuses HS256 signed with the public key (algorithm confusion), as PEM and as JWK bytes', async () => {
    const pem = String(createPublicKey({ key: rsaPublic as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
    for (const secret of [pem, JSON.stringify(rsaPublic)]) {
      const token = await new SignJWT(accessClaims()).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(new TextEncoder().encode(secret));
      expect((await rejection(token)).failure).toBe('invalid');
    }
  });

  it('refuses RSA algorithms outside the allow-list', async () => {
    const rs512 = await generateKeyPair('RS512', { extractable: true });
    const jwk = { ...(await exportJWK(rs512.publicKey)), kid: 'rs512', alg: 'RS512' };
    const strict = createJwtVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: ISSUER, audience: [CLIENT_ID], now: () => NOW });
    const token = await sign(accessClaims(), rs512.privateKey, { alg: 'RS512', kid: 'rs512' });
    await expect(strict.verify(token)).rejects.toMatchObject({ failure: 'invalid' });
  });

  it('refuses another issuer, another app client and other token uses', async () => {
    expect((await rejection(await sign(accessClaims({ iss: 'https://evil.example' })))).failure).toBe('invalid');
    expect((await rejection(await sign(accessClaims({ client_id: 'other-client' })))).detail).toBe('jwt.audience');
    expect((await rejection(await sign(accessClaims({ client_id: undefined, aud: CLIENT_ID })))).detail).toBe('jwt.audience');
    expect((await rejection(await sign(accessClaims({ token_use: 'refresh' })))).detail).toBe('jwt.audience');
  });

  it('requires sub and exp', async () => {
    expect((await rejection(await sign(accessClaims({ sub: undefined })))).failure).toBe('invalid');
    expect((await rejection(await sign(accessClaims({ exp: undefined })))).failure).toBe('invalid');
  });

  it('calls garbage malformed', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', 'Bearer', `${b64({ alg: 'RS256' })}`]) {
      expect((await rejection(garbage)).failure).toBe('malformed');
    }
  });

  it('reports an unreachable key set as unavailable, not as the caller’s fault', async () => {
    const offline = createJwtVerifier({
      keys: createRemoteJWKSet(new URL('http://127.0.0.1:9/.well-known/jwks.json'), { timeoutDuration: 500 }),
      issuer: ISSUER,
      audience: [CLIENT_ID],
      now: () => NOW,
    });
    await expect(offline.verify(await sign(accessClaims()))).rejects.toMatchObject({ failure: 'unavailable' });
  });
});
