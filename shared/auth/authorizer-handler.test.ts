import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { createLocalJWKSet, type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiKeyRecord, ApiKeyStore } from '../api-keys/api-key-store.js';
import { createApiKeysService } from '../api-keys/api-keys.service.js';
import { createHttpHandler } from '../http/create-http-handler.js';
import { logger } from '../powertools/logger.js';
import { createAuthenticator } from './authenticator.js';
import { createAuthorizerHandler } from './authorizer-handler.js';
import { createJwtVerifier } from './jwt-verifier.js';
import type { RevocationList } from './revocation-list.js';

/**
 * Whatever happens, no log line carries a token, an API key or its secret: the authorizer
 * and the functions are run for real (fakes only at the store and revocation ports) while
 * every console method is captured with the logger at DEBUG.
 */
const ISSUER = 'https://idp.example';
const records = new Map<string, ApiKeyRecord>();
const store: ApiKeyStore = {
  put: async (record) => void records.set(record.key_id, record),
  get: async (keyId) => records.get(keyId),
  list: async () => [...records.values()],
  remove: async (keyId) => records.delete(keyId),
};
const revocations: RevocationList = { isRevoked: async (handle) => handle === 'revoked-jti', revoke: async () => undefined };
const apiKeys = createApiKeysService({ store, revocations });

let signingKey: CryptoKey;
let authorizer: ReturnType<typeof createAuthorizerHandler>;
let output: string[];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  const authenticator = createAuthenticator({
    jwt: createJwtVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: ISSUER, audience: ['client'] }),
    apiKeys,
    revocations,
  });
  authorizer = createAuthorizerHandler(() => authenticator);
});

beforeEach(() => {
  output = [];
  logger.setLogLevel('DEBUG');
  for (const method of ['debug', 'info', 'warn', 'error', 'log', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT' as never);
});

const token = (claims: Record<string, unknown>) =>
  new SignJWT({ token_use: 'access', client_id: 'client', 'cognito:groups': ['admin'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signingKey);

const lambdaContext = { awsRequestId: 'req-1', functionName: 'auth-authorizer', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc/$default/GET/things',
    identitySource: [],
    routeKey: 'GET /things',
    rawPath: '/things',
    rawQueryString: '',
    headers,
    requestContext: { requestId: 'r-1', routeKey: 'GET /things' },
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

/** The secret parts of a credential: the whole value and each long segment but the public key id. */
const secretsOf = (credential: string) => [credential, ...credential.split(/[.\s]/)].filter((part) => part.length > 10 && !/^ak_[a-z0-9]{16}$/.test(part));

function expectNoSecretsLogged(credential: string) {
  expect(output.length, 'something was logged').toBeGreaterThan(0);
  const logged = output.join('\n');
  for (const secret of secretsOf(credential)) expect(logged).not.toContain(secret);
}

describe('logs of authentication', () => {
  it.each([
    ['a token with a wrong audience', async () => `Bearer ${await token({ client_id: 'other' })}`],
    ['an expired token', async () => `Bearer ${await token({ exp: 1_000 })}`],
    ['a revoked token', async () => `Bearer ${await token({ jti: 'revoked-jti' })}`],
    ['a valid token', async () => `Bearer ${await token({})}`],
    ['garbage', async () => 'Bearer not.a.jwt-but-secret-looking-value'],
  ])('never contain the token for %s', async (_case, authorization) => {
    const value = await authorization();
    await authorizer(authorizerEvent({ authorization: value }), lambdaContext);
    expectNoSecretsLogged(value);
  });

  it('never contain an API key, right or wrong', async () => {
    const created = await apiKeys.create({ name: 'Logged?', role: 'staff' }, 'admin-1');
    const [keyId, secret] = created.api_key.split('.') as [string, string];
    const wrong = `${keyId}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    for (const value of [created.api_key, wrong, `ak_${'1'.repeat(16)}.${secret}`, `${secret}-malformed`]) {
      await authorizer(authorizerEvent({ 'x-api-key': value }), lambdaContext);
      expectNoSecretsLogged(value);
    }
    expect(output.join('\n')).toContain(keyId); // the public id is what makes logs useful
  });

  it('never contain the token in the function that refuses the request', async () => {
    const value = `Bearer ${await token({ client_id: 'other' })}`;
    const handler = createHttpHandler({
      declaration: { id: 'things-get', cacheControl: 'no-store', permission: 'viewer' },
      handle: async () => ({ statusCode: 200 }),
    });
    const event = {
      version: '2.0',
      routeKey: 'GET /things',
      rawPath: '/things',
      rawQueryString: '',
      headers: { authorization: value },
      requestContext: {
        http: { method: 'GET', path: '/things', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
        requestId: 'r-2',
        routeKey: 'GET /things',
        authorizer: { lambda: { failure: 'invalid' } },
      },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const res = await handler(event, { ...lambdaContext, functionName: 'things-get' } as Context);
    expect(res).toMatchObject({ statusCode: 401 });
    expectNoSecretsLogged(value);
    expect(output.join('\n')).toContain('request not authenticated');
  });
});
