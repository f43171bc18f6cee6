import type { MiddlewareObj, Request } from '@middy/core';
import type { HttpContext, HttpEvent, HttpResponse, HttpResult } from '../http-types.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/** Serialises the handler's HttpResult into an API Gateway v2 result. */
export function jsonResponse(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function jsonResponseAfter(request: Req) {
    const result = request.response as HttpResult; // the core handler returns an HttpResult
    const headers: Record<string, string> = { ...result.headers };
    let body: string | undefined;
    if (result.rawBody && 'bytes' in result.rawBody) {
      // API Gateway turns a base64 body flagged this way back into the bytes.
      headers['content-type'] = result.rawBody.contentType;
      request.response = { statusCode: result.statusCode, headers, body: result.rawBody.bytes.toString('base64'), isBase64Encoded: true };
      return;
    }
    if (result.rawBody) {
      headers['content-type'] = result.rawBody.contentType;
      body = result.rawBody.text;
    } else if (result.body !== undefined) {
      headers['content-type'] = JSON_CONTENT_TYPE;
      body = JSON.stringify(result.body);
    }
    request.response = { statusCode: result.statusCode, headers, ...(body === undefined ? {} : { body }) };
  }
  return { after: jsonResponseAfter };
}
