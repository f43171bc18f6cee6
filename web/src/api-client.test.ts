import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, retryAfterSeconds } from './api-client.js';
import { session } from './session.js';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let answers: Answer[] = [];
const seen: IncomingMessage[] = [];

const problem = (res: ServerResponse, status: number, extra: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/problem+json; charset=utf-8', ...extra });
  res.end(JSON.stringify({ type: 'urn:records-platform:problem:x', title: 'X', status, detail: `detail ${status}` }));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    (answers.shift() ?? ((_, r) => problem(r, 500)))(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  answers = [];
  seen.length = 0;
  session.clear();
});

function client() {
  const events: string[] = [];
  const api = createApiClient({
    baseUrl,
    onSignedOut: (message) => events.push(`signed-out: ${message}`),
    onWaiting: (seconds) => events.push(`waiting ${seconds}`),
    sleep: async (ms) => {
      events.push(`slept ${ms}`);
    },
  });
  return { api, events };
}

describe('api client', () => {
  it('sends the in-memory token and returns the parsed body', async () => {
    session.set({ token: 'abc', role: 'staff', expiresAt: Date.now() + 60_000 });
    answers.push((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag: '"3"' });
      res.end('{"ok":true}');
    });
    const res = await client().api.request<{ ok: boolean }>('PATCH', '/api/v1/students/A1', { json: { hometown: 'Huế' }, headers: { 'if-match': '"2"' } });
    expect(res.body).toEqual({ ok: true });
    expect(res.headers.get('etag')).toBe('"3"');
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer abc', 'if-match': '"2"', 'content-type': 'application/json' });
  });

  it('waits for Retry-After after a 429 and retries the same request', async () => {
    answers.push((_, res) => problem(res, 429, { 'retry-after': '2' }));
    answers.push((_, res) => {
      res.writeHead(204);
      res.end();
    });
    const { api, events } = client();
    const res = await api.request('DELETE', '/api/v1/students/A1');
    expect(res.status).toBe(204);
    expect(events).toEqual(['waiting 2', 'slept 2000']);
    expect(seen.map((req) => req.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('gives up after three 429s with an ApiError', async () => {
    for (let i = 0; i < 4; i++) answers.push((_, res) => problem(res, 429, { 'retry-after': '1' }));
    const { api, events } = client();
    await expect(api.request('GET', '/api/v1/students')).rejects.toMatchObject({ status: 429 });
    expect(events.filter((event) => event.startsWith('waiting'))).toHaveLength(3);
  });

  it('clears the session and signs out on 401', async () => {
    session.set({ token: 'old', role: 'viewer', expiresAt: Date.now() + 60_000 });
    answers.push((_, res) => problem(res, 401));
    const { api, events } = client();
    await expect(api.request('GET', '/api/v1/students')).rejects.toBeInstanceOf(ApiError);
    expect(session.get()).toBeUndefined();
    expect(events).toEqual(['signed-out: detail 401 Please sign in again.']);
  });

  it('turns a 403 into an ApiError carrying the problem, keeping the session', async () => {
    session.set({ token: 't', role: 'viewer', expiresAt: Date.now() + 60_000 });
    answers.push((_, res) => problem(res, 403));
    const error = await client()
      .api.request('DELETE', '/api/v1/students/A1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, problem: { detail: 'detail 403' } });
    expect(session.get()?.token).toBe('t');
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [null, 1],
    ['', 1],
    ['7', 7],
    ['0', 1],
    ['soon', 1],
  ])('reads %j as %i s', (value, seconds) => {
    expect(retryAfterSeconds(value)).toBe(seconds);
  });
  it('reads an HTTP date', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(retryAfterSeconds('Thu, 03 Dec 2026 10:00:05 GMT', now)).toBe(5);
  });
});
