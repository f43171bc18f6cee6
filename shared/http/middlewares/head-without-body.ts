import type { MiddlewareObj, Request } from '@middy/core';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * HEAD answers carry GET's headers, including the Content-Length GET would send (after
 * compression), but no body (RFC 9110 §9.3.2). Runs after compression.
 */
export function headWithoutBody(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function headWithoutBodyAfter(request: Req) {
    const response = request.response;
    if (request.event.requestContext?.http?.method !== 'HEAD' || !response || typeof response.body !== 'string') return;
    const length = Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8').length;
    const { body: _dropped, isBase64Encoded: _encoding, ...rest } = response;
    request.response = { ...rest, headers: { ...response.headers, 'content-length': String(length) } };
  }
  return { after: headWithoutBodyAfter };
}
