import { expect } from 'vitest';
import type { ApiResponse } from './local-api.js';

/** Shapes of a leaked stack trace or error object inside a response body. */
const LEAK_PATTERNS = [
  /\bat (?:async )?[^\s"(]+ \([^)"]*:\d+:\d+\)/, // "at fn (file.js:1:2)"
  /\bat (?:async )?(?:file|node):/, // "at file:///…" / "at node:internal…"
  /\.(?:[cm]?js|ts):\d+:\d+/, // "index.mjs:12:34"
  /\bError:/, // "TypeError: …", "Error: boom"
  /"stack"\s*:/,
];

/** Fails when a body carries a stack frame or an error's `Name: message` rendering. */
export function expectNoLeak(text: string): void {
  for (const pattern of LEAK_PATTERNS) expect(text, `body leaks ${pattern}`).not.toMatch(pattern);
}

/**
 * An RFC 9457 problem with the platform's fields: type, title, status (equal to the HTTP
 * status), detail, request_id (equal to X-Request-Id), ISO timestamp; `errors` only on 422.
 */
export function expectProblem(res: ApiResponse, status: number): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expectNoLeak(res.text);
  const body = res.body;
  expect(body).toMatchObject({
    type: expect.stringMatching(/^urn:records-platform:problem:/),
    title: expect.any(String),
    status,
    request_id: res.headers.get('x-request-id'),
  });
  expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  if (status < 500) expect(body.detail).toEqual(expect.any(String));
  if (status === 422) {
    expect(body.errors.length).toBeGreaterThan(0);
    for (const error of body.errors) expect(error).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  } else {
    expect(body).not.toHaveProperty('errors');
  }
}

/** The `loc`s of a 422's errors, for compact assertions. */
export function errorLocs(res: ApiResponse): unknown[][] {
  return (res.body.errors as { loc: unknown[] }[]).map((error) => error.loc);
}
