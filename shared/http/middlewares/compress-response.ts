import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareObj, Request } from '@middy/core';
import Negotiator from 'negotiator';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { addVary } from '../vary.js';

/** Below this, compression costs more than the bytes it saves. */
export const MIN_COMPRESS_BYTES = 1_024;

/** Text formats worth compressing; images, XLSX and other zipped formats already are. */
const COMPRESSIBLE = /^(application\/(json|problem\+json|xml|javascript|[\w.+-]+\+(json|xml))|text\/|image\/svg\+xml)/i;

const ENCODERS = {
  // Quality 5: most of brotli's gain at a fraction of its max-quality CPU cost.
  br: (input: Buffer) => brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
  gzip: (input: Buffer) => gzipSync(input, { level: 6 }),
};

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Compresses text responses of 1 KB or more with br or gzip, chosen by the Accept-Encoding
 * q-values (negotiator). The body becomes base64 with isBase64Encoded, which API Gateway
 * (and the local gateway) turn back into bytes. Binary or already-encoded bodies pass as is.
 * `cacheControl` also sets `Vary: Accept-Encoding` on 304 and HEAD answers, which have no body here.
 */
export function compressResponse(options: { declaredCacheControl?: string } = {}): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  // The route's declared policy is applied after this step, so consult it here as well.
  const declaredNoTransform = options.declaredCacheControl?.includes('no-transform') ?? false;
  function compressResponseAfter(request: Req) {
    const response = request.response;
    if (!response || typeof response.body !== 'string' || response.isBase64Encoded) return;
    const headers = response.headers ?? {};
    const contentType = String(headers['content-type'] ?? '');
    if (!COMPRESSIBLE.test(contentType) || headers['content-encoding']) return;
    response.headers = addVary(headers, 'Accept-Encoding');
    if (declaredNoTransform || String(headers['cache-control'] ?? '').includes('no-transform')) return;
    const input = Buffer.from(response.body, 'utf8');
    if (input.length < MIN_COMPRESS_BYTES) return;
    const encoding = new Negotiator({ headers: request.event.headers ?? {} }).encoding(Object.keys(ENCODERS)) as keyof typeof ENCODERS | undefined;
    if (!encoding || !(encoding in ENCODERS)) return;
    const compressed = ENCODERS[encoding](input);
    if (compressed.length >= input.length) return;
    response.body = compressed.toString('base64');
    response.isBase64Encoded = true;
    response.headers = { ...response.headers, 'content-encoding': encoding };
  }
  return { after: compressResponseAfter };
}
