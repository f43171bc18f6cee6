import { createHash } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Conditional GET for every route: a 200 answer to GET/HEAD keeps the handler's strong ETag
 * (single resources) or gets a weak one hashed from the body (lists, documents); a matching
 * If-None-Match turns it into a 304 without body. HEAD keeps its body here so that later
 * steps (compression) produce GET's exact headers; `headWithoutBody` drops it last.
 */
export function conditionalGet(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function conditionalGetAfter(request: Req) {
    const method = request.event.requestContext?.http?.method;
    const response = request.response;
    if ((method !== 'GET' && method !== 'HEAD') || !response || response.statusCode !== 200 || typeof response.body !== 'string') return;
    const headers = { ...response.headers };
    const etag = String(headers.etag ?? weakEtag(response.body));
    headers.etag = etag;
    if (ifNoneMatchHits(request.event.headers?.['if-none-match'], etag)) {
      delete headers['content-type'];
      delete headers['content-length'];
      request.response = { statusCode: 304, headers };
      return;
    }
    request.response = { ...response, headers };
  }
  return { after: conditionalGetAfter };
}

/** A weak validator of a representation computed from its bytes. */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const current = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === current);
}
