import type { MiddlewareObj, Request } from '@middy/core';
import type * as z from 'zod/mini';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../errors/app-error.js';
import { isPreflight } from '../preflight.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { parseOrThrow } from '../zod-issues.js';

export interface InputSchemas {
  path?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  /** Body fields refused with a dedicated message (the entity id on update). */
  immutable?: readonly string[];
  /** Body fields refused as read-only (an entity's `readOnly` fields on create and update). */
  readOnly?: readonly string[];
}

export interface ParsedInput {
  path: unknown;
  query: unknown;
  body: unknown;
}

/** 1 MB, the original service's limit (API Gateway itself allows 10 MB). */
export const MAX_BODY_BYTES = 1_048_576;

/** Fatal: invalid bytes are refused, never silently replaced by U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext & { input?: ParsedInput }>;

/**
 * Validates path, query and JSON body against the operation's zod schemas before business
 * code runs: 413 too large, 415 not JSON, 400 malformed JSON or invalid UTF-8, 422 invalid values.
 */
export function parseRequest(schemas: InputSchemas): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function parseRequestBefore(request: Req) {
    const { event } = request;
    if (isPreflight(event)) return;
    const path = schemas.path ? parseOrThrow(schemas.path, event.pathParameters ?? {}, 'path') : {};
    const query = schemas.query ? parseOrThrow(schemas.query, presentParameters(event.queryStringParameters), 'query') : {};
    const body = schemas.body
      ? parseOrThrow(schemas.body, readJsonBody(event), 'body', { immutable: schemas.immutable, readOnly: schemas.readOnly })
      : undefined;
    request.context.input = { path, query, body };
  }
  return { before: parseRequestBefore as MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext>['before'] };
}

/** Empty query values (`?search=`) mean "not given", as in the original API. */
function presentParameters(params: Record<string, string | undefined> | undefined): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== '') present[key] = value;
  }
  return present;
}

/** The JSON body of `event`, or the 413/415/400/422 that refuses it (also for handlers whose body may be absent). */
export function readJsonBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded' | 'headers'>): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (bytes > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('request.tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`, { bytes });
  }
  const contentType = event.headers?.['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (raw === '' && !contentType) {
    throw new ValidationError([{ loc: ['body'], msg: 'A JSON body is required', type: 'missing' }]);
  }
  if (!contentType || !(contentType === 'application/json' || contentType.endsWith('+json'))) {
    throw new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.', {
      contentType: contentType ?? null,
    });
  }
  const text = event.isBase64Encoded ? decodeUtf8(Buffer.from(raw, 'base64')) : raw;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError('request.malformedJson', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * JSON is UTF-8 (RFC 8259). API Gateway passes a body that is not valid UTF-8 base64-encoded;
 * decoding it leniently would store U+FFFD where the client sent other bytes.
 */
function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new BadRequestError('request.invalidUtf8', 'The body is not valid UTF-8.');
  }
}
