import type { MiddlewareObj, Request } from '@middy/core';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { addVary } from '../vary.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Applies the route's declared Cache-Control to answers that have none (error bodies carry
 * their own `no-store`) and the Vary fields every answer depends on: Authorization and
 * X-API-Key (roles decide what a caller sees), Origin (CORS) and Accept-Encoding
 * (compression) — on 304 and HEAD answers too, as RFC 9110 asks. Runs after CORS so Vary
 * is merged without duplicates.
 */
export function cacheControl(policy: string): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function cacheControlAfter(request: Req) {
    const response = request.response;
    if (!response) return;
    let headers: Record<string, string | number | boolean> = { ...response.headers };
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'cache-control')) headers['cache-control'] = policy;
    for (const field of ['Authorization', 'X-API-Key', 'Origin', 'Accept-Encoding']) headers = addVary(headers, field);
    response.headers = headers;
  }
  return { after: cacheControlAfter, onError: cacheControlAfter };
}
