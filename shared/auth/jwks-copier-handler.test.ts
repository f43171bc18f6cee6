import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJwksCopierHandler } from './jwks-copier-handler.js';
import { InvalidJwks } from './jwks-document.js';
import { secretJwksStore } from './secrets-manager/secret-jwks-store.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwks-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

/** What the local "Cognito" answers next: status and body, or a hang (for the timeout). */
let answer: { status: number; body: string } | 'hang' = { status: 200, body: '' };
let server: Server;
let url: string;
let key: JWK;

beforeAll(async () => {
  key = { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eu-west-1_Test/.well-known/jwks.json`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
afterEach(() => secrets.reset());

function run() {
  const metrics = { addMetric: vi.fn() };
  const handler = createJwksCopierHandler(() => ({ url, store: secretJwksStore(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN), metrics }));
  const written = () => secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
  return { handler, metrics, written };
}

describe('the JWKS copier', () => {
  it('writes the fetched key set (public members only) into the secret', async () => {
    answer = { status: 200, body: JSON.stringify({ keys: [{ ...key, x5t: 'ignored' }] }) };
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"keys":[]}' });
    const { handler, metrics, written } = run();
    await expect(handler()).resolves.toEqual({ outcome: 'written', kids: ['k1'] });
    expect(written()).toEqual([
      { SecretId: SECRET_ARN, SecretString: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', alg: 'RS256', use: 'sig', n: key.n, e: key.e }] }) },
    ]);
    expect(metrics.addMetric).not.toHaveBeenCalled();
  });

  it('does not write an unchanged key set again (each write is a secret version)', async () => {
    answer = { status: 200, body: JSON.stringify({ keys: [key] }) };
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', alg: 'RS256', use: 'sig', n: key.n, e: key.e }] }) });
    const { handler, written } = run();
    await expect(handler()).resolves.toMatchObject({ outcome: 'unchanged' });
    expect(written()).toEqual([]);
  });

  it.each([
    ['an invalid JWKS', { status: 200, body: '{"keys":[]}' }, InvalidJwks],
    ['a private key', { status: 200, body: JSON.stringify({ keys: [{ ...key, d: 'AAAA' }] }) }, InvalidJwks],
    ['an HTML error page', { status: 200, body: '<html>' }, InvalidJwks],
    ['a 503', { status: 503, body: 'unavailable' }, Error],
  ] as const)('keeps the previous copy on %s: nothing written, JwksCopyFailed counted, the run fails', async (_label, response, errorType) => {
    answer = response;
    const { handler, metrics, written } = run();
    await expect(handler()).rejects.toBeInstanceOf(errorType);
    expect(written()).toEqual([]);
    expect(metrics.addMetric).toHaveBeenCalledWith('JwksCopyFailed', 'Count', 1);
  });

  it('keeps the previous copy when the identity provider does not answer in time', async () => {
    answer = 'hang';
    const metrics = { addMetric: vi.fn() };
    const store = { read: vi.fn(), write: vi.fn() };
    const { copyJwks } = await import('./jwks-copy.js');
    await expect(copyJwks({ url, store, timeoutMs: 100 })).rejects.toThrow(/timeout|aborted/i);
    const handler = createJwksCopierHandler(() => ({ url: 'http://127.0.0.1:1/unreachable', store, metrics }));
    await expect(handler()).rejects.toThrow();
    expect(store.write).not.toHaveBeenCalled();
    expect(metrics.addMetric).toHaveBeenCalledWith('JwksCopyFailed', 'Count', 1);
  });

  it('fails the run (and counts it) when the secret cannot be written', async () => {
    answer = { status: 200, body: JSON.stringify({ keys: [key] }) };
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"keys":[]}' }).on(PutSecretValueCommand).rejects(new Error('AccessDenied'));
    const { handler, metrics } = run();
    await expect(handler()).rejects.toThrow('AccessDenied');
    expect(metrics.addMetric).toHaveBeenCalledWith('JwksCopyFailed', 'Count', 1);
  });
});
