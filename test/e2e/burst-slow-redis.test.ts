import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { type ApiResponse, inBatches, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectNoLeak, expectProblem } from './support/problem-assertions.js';
import { bearer, forgedTokens, tokenFor } from './support/tokens.js';

/**
 * Bursts (a few hundred requests, a few seconds) against the local gateway while every Redis
 * command stalls: the limiter's client talks to a TCP proxy that accepts and never answers,
 * so each Redis call times out (50 ms) and the breakers open, as in the reproduced incident.
 * Revocations live in DynamoDB, rate limits fall back to per-container buckets, and failed
 * authentication is limited before any verification. Tight limits for this file only.
 */
const KEYS = '/api/v1/admin/api-keys';
const STUDENTS = '/api/v1/students';
let api: LocalApi;
let proxy: TcpProxy;
let redis: RedisTestPrefix;

beforeAll(async () => {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  proxy = await startTcpProxy({ host: hostname, port: Number(port) });
  proxy.mode = 'stall';
  redis = redisTestPrefix('burst-slow-redis');
  Object.assign(process.env, {
    REDIS_URL: proxy.url,
    CACHE_KEY_PREFIX: `${redis.prefix}cache:`,
    RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rl:`,
    RATE_LIMIT_READ: '60:10', // 10 at once, then one a second
    RATE_LIMIT_ADMIN: '600:100',
    RATE_LIMIT_LOCAL_SHARE: '1', // one local "container": its share is the whole rule
    // Slow refill (one every 10 s): what a burst can get through is its budget plus what was in flight.
    AUTH_FAILURE_LIMIT_IP: '6:40',
    AUTH_FAILURE_LIMIT_API_KEY: '6:10',
  });
  api = await startLocalApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
  await proxy?.close();
  await redis?.cleanup().catch(() => undefined);
});

/**
 * One request from another loopback address: the gateway sees it as that source IP, so each
 * scenario spends its own failed-attempt budget (127.0.0.1 stays the honest admin's).
 */
function from(localAddress: string, method: string, path: string, headers: Record<string, string>, json?: unknown): Promise<ApiResponse> {
  const { hostname, port } = new URL(api.url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        localAddress,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, String(value));
          const isJson = /json/i.test(responseHeaders.get('content-type') ?? '');
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, body: isJson && text !== '' ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const statuses = (responses: ApiResponse[]) =>
  responses.reduce<Record<number, number>>((counts, res) => {
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    return counts;
  }, {});

describe('with every Redis command stalling', () => {
  it('keeps limiting another caller while one caller floods', async () => {
    const flooder = await bearer('viewer', { sub: 'burst-flooder' });
    const other = await bearer('viewer', { sub: 'burst-other' });
    const started = Date.now();
    const [flood, others] = await Promise.all([
      inBatches(Array.from({ length: 150 }), 15, () => api.request('GET', `${STUDENTS}?page_size=1`, { headers: flooder })),
      inBatches(Array.from({ length: 30 }), 3, () => api.request('GET', `${STUDENTS}?page_size=1`, { headers: other })),
    ]);
    const seconds = (Date.now() - started) / 1000;
    for (const res of [...flood, ...others]) {
      expect([200, 429], res.text).toContain(res.status);
      expect(res.headers.get('x-ratelimit-limit')).toBe('10');
    }
    // Each caller: its burst, plus one token per second of the run (rounded up generously).
    const allowedAtMost = 10 + Math.ceil(seconds) + 1;
    expect(statuses(flood)[200]).toBeLessThanOrEqual(allowedAtMost);
    expect(statuses(others)[200]).toBeLessThanOrEqual(allowedAtMost);
    expect(statuses(others)[200]).toBeGreaterThanOrEqual(10); // the flood did not spend the other's bucket
    expect(statuses(others)[429]).toBeGreaterThan(0);
    expectProblem(others.find((res) => res.status === 429)!, 429);
  }, 120_000);

  it('answers failed authentication with 429 + Retry-After once the budget is spent, for forged tokens and wrong key secrets', async () => {
    const key = await api.request('POST', KEYS, { as: 'admin', json: { name: 'burst target', role: 'viewer' } });
    expect(key.status, key.text).toBe(201);
    const keyId = key.body.key_id as string;
    const wrongSecret = { 'x-api-key': `${keyId}.${'A'.repeat(43)}` };
    // From many source IPs: the key id's own budget stops the guessing.
    const guesses = await inBatches(Array.from({ length: 60 }), 10, (_, i) => from(`127.0.1.${1 + (i % 50)}`, 'GET', `${STUDENTS}?page_size=1`, wrongSecret));
    // Budget (10) plus the requests already in flight when it ran out (10), plus a refill or two.
    expect(statuses(guesses)[401]).toBeLessThanOrEqual(22);
    expect(statuses(guesses)[429]).toBeGreaterThanOrEqual(38);

    const forged = { authorization: `Bearer ${await forgedTokens.badSignature()}` };
    const attempts = await inBatches(Array.from({ length: 150 }), 25, () => from('127.0.0.2', 'GET', `${STUDENTS}?page_size=1`, forged));
    expect(statuses(attempts)[401] ?? 0).toBeLessThanOrEqual(40 + 25 + 2);
    const refused = attempts.filter((res) => res.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(83);
    for (const res of refused) {
      expectProblem(res, 429);
      expect(res.body.code).toBe('auth.tooManyFailures');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectNoLeak(res.text);
    }
  }, 120_000);

  it('lets a revoked admin token create nothing, whatever Redis does', async () => {
    const revoked = await tokenFor('admin', { sub: 'burst-revoked-admin', jti: `burst-revoked-${Date.now()}` });
    const claims = JSON.parse(Buffer.from(revoked.split('.')[1]!, 'base64url').toString('utf8'));
    const revoke = await api.request('POST', '/api/v1/admin/tokens/revoke', { as: 'admin', json: { jti: claims.jti, exp: claims.exp } });
    expect(revoke.status, revoke.text).toBe(204);
    const name = `burst-${Date.now()}`;
    const creates = await inBatches(Array.from({ length: 300 }), 50, () =>
      from('127.0.0.3', 'POST', KEYS, { authorization: `Bearer ${revoked}` }, { name, role: 'admin' }),
    );
    expect(statuses(creates)[201]).toBeUndefined();
    for (const res of creates) expect([401, 429], res.text).toContain(res.status);
    const listed = await api.request('GET', KEYS, { as: 'admin' });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.filter((item: { name: string }) => item.name === name)).toEqual([]);
  }, 120_000);
});
