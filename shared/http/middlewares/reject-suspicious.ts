import type { MiddlewareObj, Request } from '@middy/core';
import { emitMetric } from '../../observability/emit-metric.js';
import { SuspiciousRequestError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

export const LIMITS = {
  // Cursors carry their query and sort keys: the longest legitimate list query measures ~3.2 KB
  // (query-string-limit.test.ts), so 2 KiB would refuse real clients; 8 KiB leaves room.
  queryStringBytes: 8_192,
  headerValueBytes: 4_096,
  headersTotalBytes: 16_384,
  pathBytes: 1_024,
} as const;

/** A dot-dot segment or a backslash, once the path is decoded (see `decodeSeparators`). */
const TRAVERSAL = /(^|[/\\])\.\.([/\\]|$)|\\/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL character is this pattern's purpose.
const NULL_BYTE = /\u0000|%00/i;
/** Payloads that never belong in an identifier: script tags, template/JNDI injection, SQL. */
const HOSTILE_IDENTIFIER = /<\s*\/?\s*script|javascript:|\$\{|\{\{|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update)\s|'\s*or\s+'?\d|\/\*|[<>"'`;]/i;

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Refuses requests no legitimate client sends — path traversal, null bytes, oversized
 * headers or query strings, hostile patterns in path identifiers — with a 400 before any
 * business code runs. Each refusal is logged as a security event (reason and route only,
 * never the payload) and counted. Bodies are not filtered: names with quotes, angle
 * brackets or any script are stored verbatim; escaping is the output format's job.
 */
export function rejectSuspicious(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function rejectSuspiciousBefore(request: Req) {
    const reason = suspicionOf(request.event);
    if (!reason) return;
    logger.warn('security event: request refused', {
      security_event: 'suspicious_request',
      reason,
      route: request.event.routeKey,
      source_ip: request.event.requestContext?.http?.sourceIp,
    });
    emitMetric(metrics, 'SuspiciousRequest');
    throw new SuspiciousRequestError(reason);
  }
  return { before: rejectSuspiciousBefore };
}

/**
 * Decodes the characters a traversal is spelled with (`.`, `/`, `\`), percent-encoded once or
 * twice (`%2e`, `%252e`), so mixed spellings like `.%2e` are seen as `..`.
 */
export function decodeSeparators(path: string): string {
  let decoded = path;
  for (let round = 0; round < 2; round++) {
    decoded = decoded.replace(/%25/gi, '%').replace(/%2e/gi, '.').replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
  }
  return decoded;
}

/** Why a request looks hostile, or undefined when it does not. */
export function suspicionOf(event: HttpEvent): string | undefined {
  const path = event.rawPath ?? '';
  if (Buffer.byteLength(path) > LIMITS.pathBytes) return 'path too long';
  if (NULL_BYTE.test(path) || NULL_BYTE.test(event.rawQueryString ?? '')) return 'null byte';
  if (TRAVERSAL.test(decodeSeparators(path))) return 'path traversal';
  if (Buffer.byteLength(event.rawQueryString ?? '') > LIMITS.queryStringBytes) return 'query string too long';
  let total = 0;
  for (const [name, value = ''] of Object.entries(event.headers ?? {})) {
    const size = Buffer.byteLength(value);
    if (size > LIMITS.headerValueBytes) return 'header too long';
    if (NULL_BYTE.test(value)) return 'null byte';
    total += Buffer.byteLength(name) + size;
  }
  if (total > LIMITS.headersTotalBytes) return 'headers too large';
  for (const value of Object.values(event.pathParameters ?? {})) {
    if (value && (HOSTILE_IDENTIFIER.test(value) || TRAVERSAL.test(decodeSeparators(value)) || NULL_BYTE.test(value))) return 'hostile identifier';
  }
  for (const value of Object.values(event.queryStringParameters ?? {})) {
    if (value && NULL_BYTE.test(value)) return 'null byte';
  }
  return undefined;
}
