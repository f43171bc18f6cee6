import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import { startAuthenticatedGateway } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';
import { bearer } from './support/tokens.js';

/**
 * The functions point at a port nothing listens on: DynamoDB is "down". This file runs in
 * its own worker, so the bundles build their clients with this endpoint.
 */
let gateway: LocalGateway;

beforeAll(async () => {
  Object.assign(process.env, LOCAL_AWS_ENV, {
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    STUDENTS_TABLE_NAME: 'students-down',
    API_KEYS_TABLE_NAME: 'api-keys-down',
    REVOCATIONS_TABLE_NAME: 'revocations-down',
    CURSOR_SECRET: 'd'.repeat(40),
  });
  gateway = await startAuthenticatedGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${gateway.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
};

describe('with DynamoDB unreachable', () => {
  it('reports /health as 503 degraded with Retry-After', async () => {
    const res = await get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'degraded', checks: { dynamodb: 'unavailable' } });
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it.each(['/api/v1/students/S1', '/api/v1/students?page_size=5'])('answers GET %s with a retryable 503 problem', async (path) => {
    const res = await get(path, await bearer('viewer'));
    expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});

describe('with DynamoDB unreachable, API keys cannot be checked', () => {
  it('answers a request with an API key with a retryable 503 problem, not a 401', async () => {
    const res = await get('/api/v1/students/S1', { 'x-api-key': `ak_${'a'.repeat(16)}.${'b'.repeat(43)}` });
    expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.text).not.toContain('b'.repeat(43));
  });
});

describe('with DynamoDB unreachable, revocations cannot be checked', () => {
  it('refuses an admin operation that needs no DynamoDB (cache clear) with 503 + Retry-After: revocation fails closed', async () => {
    const res = await fetch(`${gateway.url}/api/v1/admin/cache/clear`, { method: 'POST', headers: await bearer('admin') });
    const text = await res.text();
    expectProblem({ status: res.status, headers: res.headers, text, body: JSON.parse(text) }, 503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(text).detail).toMatch(/Revocation check/);
  });
});
