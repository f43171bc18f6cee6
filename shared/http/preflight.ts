import type { HttpEvent } from './http-types.js';

/**
 * Whether the request is a CORS preflight (`OPTIONS`). A preflight is answered by the
 * handler factory with an empty 204 that the CORS middleware decorates on the way out, so
 * the request id, security headers, metrics and log reset run for it as for any other
 * answer (an early return from a `before` would skip every `after`). Authorization, rate
 * limiting and input validation let it pass: no business code or data is behind it.
 */
export function isPreflight(event: HttpEvent): boolean {
  return event.requestContext?.http?.method === 'OPTIONS';
}
