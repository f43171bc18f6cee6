import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './s3-error.js';
import { BUCKET_EXPOSED_HEADERS } from '../../build/console-browser-policy.js';

/**
 * The endpoint's CORS rule, as one bucket CORS configuration would say it: which origins may
 * call it from a browser (the console's upload PUT and its export download GET).
 */
export interface LocalS3Cors {
  /** Read per request: the console's origin is known only once the gateway listens. */
  origins: () => readonly string[];
  /** @default ['GET', 'HEAD', 'PUT'] */
  methods?: readonly string[];
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT'];
/** What a browser script may read of an answer (the upload's ETag, a download's name). */
const EXPOSED_HEADERS = BUCKET_EXPOSED_HEADERS.join(', ');
const MAX_AGE_SECONDS = 3000;

/**
 * S3's CORS evaluation: a preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered
 * here, unsigned as browsers send it, 200 when the origin and method match the rule and 403
 * `AccessForbidden` otherwise. Any other request from an allowed origin gets
 * `Access-Control-Allow-Origin` and the exposed headers; without a match it gets none, so the
 * browser hides the answer from the page. Returns true when the request was answered.
 */
export function applyCors(cors: LocalS3Cors | undefined, request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin;
  const methods = cors?.methods ?? DEFAULT_METHODS;
  const allowed = origin !== undefined && cors?.origins().includes(origin) === true;
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (preflight) {
    const method = String(request.headers['access-control-request-method']).toUpperCase();
    if (!allowed || !methods.includes(method)) {
      throw new S3Error('AccessForbidden', { Method: method, ResourceType: 'OBJECT' });
    }
    const headers = request.headers['access-control-request-headers'];
    response.writeHead(200, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': methods.join(', '),
      ...(headers ? { 'Access-Control-Allow-Headers': headers } : {}),
      'Access-Control-Max-Age': String(MAX_AGE_SECONDS),
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
      'Content-Length': '0',
    });
    response.end();
    return true;
  }
  if (allowed && methods.includes(request.method ?? '')) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    response.setHeader('Vary', 'Origin');
  }
  return false;
}
