import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { createHttpHandler } from '../create-http-handler.js';
import { apiGatewayV2Event } from '../../../test/support/api-gateway-v2-event.js';
import { compressResponse, MIN_COMPRESS_BYTES } from './compress-response.js';

type Response = APIGatewayProxyStructuredResultV2;

const eventOf = (headers: Record<string, string> = {}, method = 'GET') => apiGatewayV2Event({ method, headers });

const context = (): Context =>
  ({
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    functionName: 'unit',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

/** The middleware alone in a real middy chain, behind a handler answering `response`. */
function answer(response: Response, acceptEncoding?: string): Promise<Response> {
  const handler = middy<HttpEvent, HttpResponse, Error, HttpContext>()
    .use(compressResponse())
    .handler(async () => structuredClone(response));
  return handler(eventOf(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }), context());
}

/** A JSON document of exactly `bytes` UTF-8 bytes. */
function jsonOfBytes(bytes: number): string {
  const text = JSON.stringify({ items: 'x'.repeat(bytes - 12) });
  expect(Buffer.byteLength(text)).toBe(bytes);
  return text;
}

const jsonResponse = (body: string, headers: Record<string, string> = {}): Response => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body,
});

function decoded(res: Response): string {
  const bytes = Buffer.from(res.body ?? '', 'base64');
  const encoding = res.headers?.['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  throw new Error(`not compressed: ${String(encoding)}`);
}

describe('compressResponse threshold', () => {
  it('is 1 KiB', () => {
    expect(MIN_COMPRESS_BYTES).toBe(1024);
  });

  it('compresses a JSON body of exactly 1024 bytes', async () => {
    const body = jsonOfBytes(1024);
    const res = await answer(jsonResponse(body), 'br');
    expect(res.headers?.['content-encoding']).toBe('br');
    expect(res.isBase64Encoded).toBe(true);
    expect(decoded(res)).toBe(body);
  });

  it('leaves a JSON body of 1023 bytes as it is, but still varies on Accept-Encoding', async () => {
    const body = jsonOfBytes(1023);
    const res = await answer(jsonResponse(body), 'br');
    expect(res.body).toBe(body);
    expect(res.isBase64Encoded).toBeUndefined();
    expect(res.headers).not.toHaveProperty('content-encoding');
    expect(res.headers?.vary).toBe('Accept-Encoding');
  });

  it('counts bytes, not characters: 341 three-byte letters reach the threshold', async () => {
    const body = `"${'ễ'.repeat(341)}"`; // 341 × 3 bytes + 2 quotes = 1025 bytes, 343 characters
    expect(body.length).toBeLessThan(MIN_COMPRESS_BYTES);
    const res = await answer(jsonResponse(body), 'gzip');
    expect(res.headers?.['content-encoding']).toBe('gzip');
    expect(decoded(res)).toBe(body);
  });
});

describe('compressResponse content types', () => {
  const big = 'a,b,c\n'.repeat(400);

  it.each([
    'application/json; charset=utf-8',
    'application/problem+json; charset=utf-8',
    'application/vnd.api+json',
    'application/xml',
    'text/html; charset=utf-8',
    'text/csv; charset=utf-8',
    'image/svg+xml',
  ])('compresses %s', async (contentType) => {
    const res = await answer(jsonResponse(big, { 'content-type': contentType }), 'gzip');
    expect(res.headers?.['content-encoding']).toBe('gzip');
    expect(res.headers?.vary).toBe('Accept-Encoding');
    expect(decoded(res)).toBe(big);
  });

  it.each([
    ['image/png', randomBytes(4096).toString('base64')],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', randomBytes(4096).toString('base64')],
    ['application/pdf', randomBytes(4096).toString('base64')],
  ])('passes a base64 %s body through untouched', async (contentType, body) => {
    const response: Response = { statusCode: 200, headers: { 'content-type': contentType }, body, isBase64Encoded: true };
    const res = await answer(response, 'br, gzip');
    expect(res).toEqual(response);
  });

  it.each(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip', 'application/octet-stream', 'image/png'])(
    'does not compress %s even when the body is a long plain string',
    async (contentType) => {
      const response: Response = { statusCode: 200, headers: { 'content-type': contentType }, body: big };
      const res = await answer(response, 'br, gzip');
      expect(res.body).toBe(big);
      expect(res.headers).not.toHaveProperty('content-encoding');
      expect(res.headers).not.toHaveProperty('vary');
    },
  );

  it('does not compress a body without content-type', async () => {
    const res = await answer({ statusCode: 200, body: big }, 'br');
    expect(res.body).toBe(big);
    expect(res.headers ?? {}).not.toHaveProperty('content-encoding');
  });

  it('respects Cache-Control: no-transform', async () => {
    const response = jsonResponse(big, { 'cache-control': 'public, max-age=60, no-transform' });
    const res = await answer(response, 'br');
    expect(res.body).toBe(big);
    expect(res.headers).not.toHaveProperty('content-encoding');
  });

  it('never encodes a body twice', async () => {
    const response = jsonResponse(big, { 'content-encoding': 'gzip' });
    const res = await answer(response, 'br');
    expect(res).toEqual(response);
  });

  it('leaves answers without body (204, 304, HEAD) alone', async () => {
    const response: Response = { statusCode: 304, headers: { etag: '"1"' } };
    expect(await answer(response, 'br')).toEqual(response);
  });
});

describe('compressResponse negotiation', () => {
  const body = JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ student_id: `S${i}`, name: 'Nguyễn Văn An' })) });

  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'gzip'],
    ['br;q=0.5, gzip;q=1', 'gzip'],
    ['gzip;q=0.5, br;q=0.9', 'br'],
    ['BR', 'br'],
    ['deflate, gzip;q=0.2', 'gzip'],
    ['*', 'br'],
    ['br;q=0, *', 'gzip'],
    ['gzip;q=0, *;q=0.5', 'br'],
  ])('Accept-Encoding %s → %s', async (header, expected) => {
    const res = await answer(jsonResponse(body), header);
    expect(res.headers?.['content-encoding']).toBe(expected);
    expect(res.isBase64Encoded).toBe(true);
    expect(decoded(res)).toBe(body);
    expect(Buffer.from(res.body!, 'base64').length).toBeLessThan(Buffer.byteLength(body));
  });

  it.each([
    ['no Accept-Encoding', undefined],
    ['identity', 'identity'],
    ['br refused', 'br;q=0'],
    ['every coding refused', 'br;q=0, gzip;q=0'],
    ['only unsupported codings', 'deflate, compress, zstd'],
    ['*;q=0', '*;q=0'],
  ])('sends identity for %s', async (_, header) => {
    const res = await answer(jsonResponse(body), header);
    expect(res.body).toBe(body);
    expect(res.isBase64Encoded).toBeUndefined();
    expect(res.headers).not.toHaveProperty('content-encoding');
    expect(res.headers?.vary).toBe('Accept-Encoding');
  });

  it('appends Accept-Encoding to an existing Vary', async () => {
    const res = await answer(jsonResponse(body, { vary: 'Authorization, Origin' }), 'br');
    expect(res.headers?.vary).toBe('Authorization, Origin, Accept-Encoding');
  });
});

describe('compression in the handler factory chain', () => {
  const text = '<p>Nguyễn, Δημήτρης, O’Brien</p>\n'.repeat(100);
  const handlerWith = (cacheControl: string) =>
    createHttpHandler({
      declaration: { id: 'unit-document', cacheControl, permission: 'public' },
      handle: async () => ({ statusCode: 200, rawBody: { contentType: 'text/html; charset=utf-8', text } }),
    });

  it('compresses the serialised answer and keeps content-type, ETag and Cache-Control', async () => {
    const res = await handlerWith('public, max-age=300')(eventOf({ 'accept-encoding': 'br' }), context());
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-encoding': 'br',
      'cache-control': 'public, max-age=300',
      etag: expect.stringMatching(/^W\/"/),
    });
    expect(String(res.headers?.vary)).toMatch(/Accept-Encoding/);
    expect(decoded(res)).toBe(text);
  });

  it("honours a route's declared no-transform", async () => {
    const res = await handlerWith('public, max-age=300, no-transform')(eventOf({ 'accept-encoding': 'br' }), context());
    expect(res.body).toBe(text);
    expect(res.headers).not.toHaveProperty('content-encoding');
  });

  it('does not compress the empty answer to HEAD', async () => {
    const res = await handlerWith('public, max-age=300')(eventOf({ 'accept-encoding': 'br' }, 'HEAD'), context());
    expect(res.statusCode).toBe(200);
    expect(res.body).toBeUndefined();
    expect(res.isBase64Encoded).toBeFalsy();
  });
});
