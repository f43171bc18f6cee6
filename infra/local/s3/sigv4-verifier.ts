import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3Error } from './s3-error.js';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const MAX_PRESIGN_SECONDS = 604_800;

/**
 * Checks a request's AWS Signature V4 — the `Authorization` header or a presigned URL's
 * `X-Amz-*` query — against the local credentials, as S3 does: unknown key → InvalidAccessKeyId,
 * expired URL → AccessDenied, wrong signature → SignatureDoesNotMatch. The region of the
 * credential scope is taken as given. Payload hashes are checked while the body streams
 * (receive-body.ts); aws-chunked chunk signatures are not checked.
 */
export function verifySignature(request: IncomingMessage, credentials: LocalCredentials, now = Date.now()): void {
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
  const query = new URLSearchParams(rawQuery);
  const authorization = request.headers.authorization;
  let auth: { credential: string; signedHeaders: string; signature: string; amzDate: string };
  let payloadHash: string;
  if (query.has('X-Amz-Signature')) {
    const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders'];
    if (required.some((name) => !query.get(name)) || query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
      throw new S3Error('AuthorizationQueryParametersError');
    auth = {
      credential: query.get('X-Amz-Credential')!,
      signedHeaders: query.get('X-Amz-SignedHeaders')!,
      signature: query.get('X-Amz-Signature')!,
      amzDate: query.get('X-Amz-Date')!,
    };
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGN_SECONDS) {
      throw new S3Error('AuthorizationQueryParametersError', {}, `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_SECONDS}`);
    }
    const signedAt = parseAmzDate(auth.amzDate);
    checkAccessKey(auth.credential, credentials);
    if (now > signedAt + expires * 1000) {
      throw new S3Error(
        'AccessDenied',
        { 'X-Amz-Expires': expires, Expires: new Date(signedAt + expires * 1000).toISOString(), ServerTime: new Date(now).toISOString() },
        'Request has expired',
      );
    }
    payloadHash = header(request, 'x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  } else if (authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
    const fields = Object.fromEntries(
      authorization
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((part) => part.trim().split(/=(.*)/s) as [string, string]),
    );
    if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) throw new S3Error('InvalidArgument', {}, 'Authorization header is malformed');
    auth = {
      credential: fields.Credential,
      signedHeaders: fields.SignedHeaders,
      signature: fields.Signature,
      amzDate: header(request, 'x-amz-date') || header(request, 'date'),
    };
    checkAccessKey(auth.credential, credentials);
    payloadHash = header(request, 'x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  } else if (authorization) {
    throw new S3Error('InvalidRequest', {}, 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  } else {
    throw new S3Error('AccessDenied');
  }

  const scope = auth.credential.split('/').slice(1);
  const signedNames = auth.signedHeaders.split(';');
  const canonicalRequest = [
    request.method,
    canonicalUri(rawPath),
    canonicalQuery(query),
    signedNames.map((name) => `${name}:${header(request, name).trim().replace(/\s+/g, ' ')}\n`).join(''),
    auth.signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', auth.amzDate, scope.join('/'), sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, scope[0] ?? '');
  for (const part of scope.slice(1)) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Error('SignatureDoesNotMatch', { AWSAccessKeyId: credentials.accessKeyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest });
  }
}

function checkAccessKey(credential: string, credentials: LocalCredentials): void {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request')
    throw new S3Error('AuthorizationQueryParametersError', {}, `Error parsing the X-Amz-Credential parameter: ${credential}`);
  if (parts[0] !== credentials.accessKeyId) throw new S3Error('InvalidAccessKeyId', { AWSAccessKeyId: parts[0] });
}

function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) throw new S3Error('AuthorizationQueryParametersError', {}, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** RFC 3986 encoding as SigV4 wants it (only unreserved characters left as they are). */
export function awsUriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(rawPath: string): string {
  try {
    return rawPath
      .split('/')
      .map((segment) => awsUriEncode(decodeURIComponent(segment)))
      .join('/');
  } catch {
    throw new S3Error('InvalidArgument', {}, 'Invalid URI encoding');
  }
}

function canonicalQuery(query: URLSearchParams): string {
  return [...query]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [awsUriEncode(name), awsUriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}
