import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CredentialRejected } from './credential-rejected.js';
import { InvalidJwks, parseJwks } from './jwks-document.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { secretJwksStore } from './secrets-manager/secret-jwks-store.js';
import { storedJwks } from './stored-jwks.js';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwks-AbCdEf';
const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let oldKey: KeyPair;
let newKey: KeyPair;
let oldJwk: JWK;
let newJwk: JWK;

beforeAll(async () => {
  oldKey = await generateKeyPair('RS256', { extractable: true });
  newKey = await generateKeyPair('RS256', { extractable: true });
  oldJwk = { ...(await exportJWK(oldKey.publicKey)), kid: 'old', alg: 'RS256', use: 'sig' };
  newJwk = { ...(await exportJWK(newKey.publicKey)), kid: 'new', alg: 'RS256', use: 'sig' };
});

const jwks = (...keys: JWK[]) => JSON.stringify({ keys });
const token = (key: KeyPair, kid: string) =>
  new SignJWT({ token_use: 'access', client_id: 'client-1' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(ISSUER)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);

/** A verifier over the secret (through the Secrets Manager adapter) and a clock the test moves. */
function setup(options: { maxAgeMs?: number; kidMissCooldownMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const stale: unknown[] = [];
  const store = secretJwksStore(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN);
  const keys = storedJwks(store, { ...options, now: () => clock.now, onStale: (error) => stale.push(error) });
  const verifier = createJwtVerifier({ keys, issuer: ISSUER, audience: ['client-1'] });
  const reads = () => secrets.commandCalls(GetSecretValueCommand).length;
  return { clock, stale, verifier, reads };
}

describe('storedJwks over the Secrets Manager copy', () => {
  it('verifies with the key set read from the secret, and reads it once per max age', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: jwks(oldJwk) });
    const { clock, verifier, reads } = setup({ maxAgeMs: 300_000 });
    await expect(verifier.verify(await token(oldKey, 'old'))).resolves.toMatchObject({ principal: { sub: 'user-1' } });
    await verifier.verify(await token(oldKey, 'old'));
    expect(reads()).toBe(1);
    clock.now += 300_000;
    await verifier.verify(await token(oldKey, 'old'));
    expect(reads()).toBe(2);
  });

  it('re-reads the secret once on an unknown kid (a rotated key), then accepts it', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: jwks(oldJwk) })
      .resolves({ SecretString: jwks(oldJwk, newJwk) });
    const { verifier, reads } = setup();
    await verifier.verify(await token(oldKey, 'old'));
    await expect(verifier.verify(await token(newKey, 'new'))).resolves.toMatchObject({ principal: { sub: 'user-1' } });
    expect(reads()).toBe(2);
  });

  it('rate-limits kid-miss reads: unknown kids within the cooldown are refused without reading', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: jwks(oldJwk) });
    const { clock, verifier, reads } = setup({ kidMissCooldownMs: 30_000 });
    const forged = await token(newKey, 'unknown');
    await expect(verifier.verify(forged)).rejects.toMatchObject({ failure: 'invalid' });
    expect(reads()).toBe(2); // the first read, and one refresh for the unknown kid
    for (let i = 0; i < 5; i += 1) await expect(verifier.verify(forged)).rejects.toBeInstanceOf(CredentialRejected);
    expect(reads()).toBe(2);
    clock.now += 30_000;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ failure: 'invalid' });
    expect(reads()).toBe(3);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an empty key set (the placeholder)', '{"keys":[]}'],
    ['a private key', () => jwks({ ...oldJwk, d: 'AAAA' })],
  ])('keeps the last good keys when the secret holds %s', async (_label, content) => {
    const bad = typeof content === 'function' ? content() : content;
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: jwks(oldJwk) })
      .resolves({ SecretString: bad });
    const { clock, stale, verifier } = setup({ maxAgeMs: 1_000 });
    await verifier.verify(await token(oldKey, 'old'));
    clock.now += 1_000;
    await expect(verifier.verify(await token(oldKey, 'old'))).resolves.toMatchObject({ principal: { sub: 'user-1' } });
    expect(stale).toEqual([expect.any(InvalidJwks)]);
  });

  it('keeps the last good keys when the secret cannot be read, and waits a max age before retrying', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: jwks(oldJwk) })
      .rejects(new Error('endpoint unreachable'));
    const { clock, stale, verifier, reads } = setup({ maxAgeMs: 1_000 });
    await verifier.verify(await token(oldKey, 'old'));
    clock.now += 1_000;
    await verifier.verify(await token(oldKey, 'old'));
    await verifier.verify(await token(oldKey, 'old'));
    expect(reads()).toBe(2);
    expect(stale).toHaveLength(1);
  });

  it('answers unavailable (503) without a good key set yet: never copied, placeholder, or unreadable', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no AWSCURRENT', $metadata: {} }))
      .resolvesOnce({ SecretString: '{"keys":[]}' })
      .rejects(new Error('endpoint unreachable'));
    const { verifier } = setup();
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify(await token(oldKey, 'old'))).rejects.toMatchObject({ failure: 'unavailable' });
  });

  it('shares one read between concurrent cold requests', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: jwks(oldJwk) });
    const { verifier, reads } = setup();
    const jwt = await token(oldKey, 'old');
    await Promise.all([verifier.verify(jwt), verifier.verify(jwt), verifier.verify(jwt)]);
    expect(reads()).toBe(1);
  });
});

describe('parseJwks', () => {
  it('keeps the public members of RSA and EC signing keys only', async () => {
    const ec = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'ec', alg: 'ES256' };
    const parsed = parseJwks(JSON.stringify({ keys: [{ ...oldJwk, x5c: ['…'], extra: 1 }, ec] }));
    expect(parsed.keys.map((key) => Object.keys(key).sort())).toEqual([
      ['alg', 'e', 'kid', 'kty', 'n', 'use'],
      ['alg', 'crv', 'kid', 'kty', 'x', 'y'],
    ]);
  });

  it.each([
    ['not JSON', '{'],
    ['no keys array', '{"keys":{}}'],
    ['no keys', '{"keys":[]}'],
    ['a key without kid', () => jwks({ ...oldJwk, kid: undefined } as JWK)],
    ['an encryption key', () => jwks({ ...oldJwk, use: 'enc' })],
    ['an HMAC algorithm', () => jwks({ ...oldJwk, alg: 'HS256' })],
    ['a symmetric key', '{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"}]}'],
    ['an RSA key without modulus', () => jwks({ ...oldJwk, n: undefined } as JWK)],
  ])('refuses %s', (_label, content) => {
    expect(() => parseJwks(typeof content === 'function' ? content() : content)).toThrow(InvalidJwks);
  });
});
