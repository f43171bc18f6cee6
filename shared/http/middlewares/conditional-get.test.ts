import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { apiGatewayV2Event } from '../../../test/support/api-gateway-v2-event.js';
import { conditionalGet, ifNoneMatchHits, weakEtag } from './conditional-get.js';
import { headWithoutBody } from './head-without-body.js';

type Response = APIGatewayProxyStructuredResultV2;

const eventOf = (method: string, headers: Record<string, string> = {}) => apiGatewayV2Event({ method, headers: { accept: 'application/json', ...headers } });

const context = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'unit' } as unknown as Context;

/**
 * The middleware in a real middy chain, behind a handler answering `response`, with the
 * factory's HEAD step in its factory position (it runs after conditionalGet).
 */
function answer(response: Response, method: string, headers: Record<string, string> = {}): Promise<Response> {
  const handler = middy<HttpEvent, HttpResponse, Error, HttpContext>()
    .use(headWithoutBody())
    .use(conditionalGet())
    .handler(async () => structuredClone(response));
  return handler(eventOf(method, headers), context);
}

const LIST = '{"items":[{"student_id":"S0001"}],"total":1}';
const list = (): Response => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-cache' },
  body: LIST,
});
const student = (version = 3): Response => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', etag: `"${version}"` },
  body: `{"student_id":"S0001","version":${version}}`,
});

describe('ifNoneMatchHits (weak comparison, RFC 9110 §13.1.2)', () => {
  it.each([
    ['"3"', '"3"', true],
    ['W/"3"', '"3"', true],
    ['"3"', 'W/"3"', true],
    ['W/"3"', 'W/"3"', true],
    ['"1", "2", "3"', '"3"', true],
    ['"1",W/"3"', '"3"', true],
    ['  "1" ,  "3"  ', '"3"', true],
    ['*', '"3"', true],
    ['*', 'W/"abc"', true],
    ['"4"', '"3"', false],
    ['"33"', '"3"', false],
    ['"1", "2"', '"3"', false],
    ['3', '"3"', false],
    ['"3', '"3"', false],
    ['w/"3"', '"3"', false],
    ['', '"3"', false],
  ])('If-None-Match %s against %s → %s', (header, etag, hits) => {
    expect(ifNoneMatchHits(header, etag)).toBe(hits);
  });

  it('never hits without the header', () => {
    expect(ifNoneMatchHits(undefined, '"3"')).toBe(false);
  });
});

describe('weakEtag', () => {
  it('is a weak validator of url-safe characters', () => {
    expect(weakEtag(LIST)).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
  });

  it('is the same for the same bytes and differs when one character changes', () => {
    expect(weakEtag(LIST)).toBe(weakEtag(`${LIST}`));
    expect(weakEtag(LIST)).not.toBe(weakEtag(LIST.replace('S0001', 'S0002')));
  });
});

describe('conditionalGet middleware', () => {
  it('adds a weak ETag hashed from the body to a 200 GET without one, keeping body and headers', async () => {
    const res = await answer(list(), 'GET');
    expect(res).toEqual({ ...list(), headers: { ...list().headers, etag: weakEtag(LIST) } });
  });

  it("keeps the handler's strong ETag", async () => {
    const res = await answer(student(3), 'GET');
    expect(res.headers?.etag).toBe('"3"');
    expect(res.body).toBe(student(3).body);
  });

  it.each([
    ['the same strong tag', '"3"'],
    ['its weak form', 'W/"3"'],
    ['a list that contains it', '"1", "3"'],
    ['*', '*'],
  ])('answers 304 without body or content-type when If-None-Match is %s', async (_, header) => {
    const res = await answer(student(3), 'GET', { 'if-none-match': header });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBeUndefined();
    expect(res.headers?.etag).toBe('"3"');
    expect(res.headers).not.toHaveProperty('content-type');
  });

  it('keeps the validators and cache headers on a 304', async () => {
    const res = await answer(list(), 'GET', { 'if-none-match': weakEtag(LIST) });
    expect(res).toEqual({ statusCode: 304, headers: { 'cache-control': 'private, no-cache', etag: weakEtag(LIST) } });
  });

  it('answers 200 with the body when the client holds another version', async () => {
    const res = await answer(student(4), 'GET', { 'if-none-match': '"3"' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(student(4).body);
    expect(res.headers?.etag).toBe('"4"');
  });

  it('drops the body of a HEAD answer but keeps status, ETag and the other headers GET would send', async () => {
    const get = await answer(list(), 'GET');
    const head = await answer(list(), 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.body).toBeUndefined();
    expect(head.headers).toEqual({ ...get.headers, 'content-length': String(Buffer.byteLength(get.body!)) });
  });

  it('answers a conditional HEAD with 304 too', async () => {
    const res = await answer(student(3), 'HEAD', { 'if-none-match': '"3"' });
    expect(res).toMatchObject({ statusCode: 304, headers: { etag: '"3"' } });
    expect(res.body).toBeUndefined();
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('leaves %s answers untouched, even with If-None-Match: *', async (method) => {
    const res = await answer(list(), method, { 'if-none-match': '*' });
    expect(res).toEqual(list());
  });

  it.each([
    [201, 'created'],
    [206, 'partial'],
    [404, 'not found'],
    [503, 'unavailable'],
  ])('leaves a %i (%s) GET answer untouched, even with If-None-Match: *', async (statusCode) => {
    const response: Response = { statusCode, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, body: '{"status":0}' };
    const res = await answer(response, 'GET', { 'if-none-match': '*' });
    expect(res).toEqual(response);
  });

  it('leaves a 200 without a body alone (nothing to validate)', async () => {
    const response: Response = { statusCode: 200, headers: { 'x-flag': '1' } };
    expect(await answer(response, 'GET', { 'if-none-match': '*' })).toEqual(response);
  });
});
