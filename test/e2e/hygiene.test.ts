import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalGateway, startLocalGateway } from '../../infra/local/local-gateway.js';
import { functions } from '../../shared/registry.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { expectNoLeak, expectProblem } from './support/problem-assertions.js';
import { rawRequest } from './support/raw-http.js';
import { bearer, localIdentity, tokenFor } from './support/tokens.js';

/**
 * Hygiene over the local gateway: text that spoofs how it displays is refused in every text
 * field, bodies that are not UTF-8 are refused, a request without Host is refused, preflights
 * carry the request id and security headers, and the gateway's request log names parameters
 * without their values.
 */

const BASE = '/api/v1/students';
const ORIGIN = 'http://localhost:3000';
let api: LocalApi;
let adminAuth: Record<string, string> = {};

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
  adminAuth = await bearer('admin');
  process.env.ALLOWED_HOSTS = 'localhost,127.0.0.1';
});
afterAll(async () => {
  delete process.env.ALLOWED_HOSTS;
  await api?.close();
});

describe('text fields', () => {
  const SPOOFING = {
    'a right-to-left override': 'Ali\u202Ecod.exe',
    'an isolate': 'Bob\u2066x\u2069',
    'a lone surrogate': 'Eve\uD800',
    'a noncharacter': 'Mal\uFFFE',
  };

  it.each(Object.entries(SPOOFING))('refuses %s with 422 in student names, hometown and API key names', async (_label, text) => {
    for (const [field, value] of [
      ['first_name', text],
      ['last_name', text],
      ['hometown', text],
    ] as const) {
      const res = await api.request('POST', BASE, { json: { student_id: `SP-${field}`, first_name: 'Ok', last_name: 'Ok', [field]: value } });
      expectProblem(res, 422);
      expect(res.body.errors.map((error: { loc: unknown[] }) => error.loc)).toContainEqual(['body', field]);
    }
    const key = await api.request('POST', '/api/v1/admin/api-keys', { json: { name: text, role: 'viewer' } });
    expectProblem(key, 422);
    const get = await api.request('GET', `${BASE}/SP-first_name`);
    expect(get.status).toBe(404);
  });

  it('accepts and returns Vietnamese and accented names unchanged', async () => {
    const student = { student_id: 'VN-001', first_name: 'Nguyễn Thị', last_name: 'Hồng Nhung', hometown: 'Đà Nẵng' };
    const created = await api.request('POST', BASE, { json: student });
    expect(created.status, created.text).toBe(201);
    const read = await api.request('GET', `${BASE}/VN-001`);
    expect(read.body).toMatchObject(student);
  });
});

describe('request bodies and headers', () => {
  it('refuses a JSON body with invalid UTF-8 bytes with 400 instead of storing U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"student_id":"U8-1","first_name":"A'), Buffer.from([0xc3, 0x28]), Buffer.from('","last_name":"B"}')]);
    const res = await fetch(`${api.url}${BASE}`, { method: 'POST', headers: { ...adminAuth, 'content-type': 'application/json' }, body: bytes });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ code: 'request.invalidUtf8' });
    expect((await api.request('GET', `${BASE}/U8-1`)).status).toBe(404);
  });

  it('refuses an HTTP/1.0 request without a Host header with 400', async () => {
    const { port } = new URL(api.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /health HTTP/1.0\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('utf8')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 400 /);
    expect(answer).toContain('request.missingHost');
    expectNoLeak(answer);
  });
});

describe('CORS preflight', () => {
  it('carries x-request-id and the security headers like every other answer', async () => {
    const res = await rawRequest(api.url, 'OPTIONS', `${BASE}/S0001`, { origin: ORIGIN, 'access-control-request-method': 'PUT' });
    expect(res.status).toBe(204);
    expect(res.headers['x-request-id']).toMatch(/\S{8,}/);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const given = await rawRequest(api.url, 'OPTIONS', '/api/v1/admin/api-keys', {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'x-request-id': 'preflight-0001',
    });
    expect(given.status).toBe(204);
    expect(given.headers['x-request-id']).toBe('preflight-0001');
  });
});

describe('the gateway request log', () => {
  let gateway: LocalGateway;
  const lines: string[] = [];
  beforeAll(async () => {
    gateway = await startLocalGateway({ functions, port: 0, jwks: (await localIdentity()).jwks, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('names the route and parameters, never a token passed in the query', async () => {
    const token = await tokenFor('viewer');
    const res = await fetch(`${gateway.url}${BASE}?access_token=${token}&search=secret-term`, { headers: adminAuth });
    expect(res.status).toBeLessThan(500);
    const line = lines.find((entry) => entry.startsWith(`GET ${BASE}`) && !entry.includes('auth-authorizer'));
    expect(line).toMatch(new RegExp(`^GET /api/v1/students \\?access_token&search → ${res.status} students-list [\\d.]+ ms$`));
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain('secret-term');
  });
});
