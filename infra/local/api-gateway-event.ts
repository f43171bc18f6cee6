import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Content types API Gateway passes as text; everything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

export interface EventInput {
  req: IncomingMessage;
  /** The raw query string (after `?`), as sent. */
  rawQuery: string;
  body: Buffer;
  routeKey: string;
  pathParameters?: Record<string, string>;
  now?: Date;
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event for a Node request: lower-cased
 * headers with repeated values comma-joined, cookies split out, query parameters
 * comma-joined, path parameters, base64 for binary bodies, and a requestContext with the
 * same fields API Gateway fills in.
 */
export function toApiGatewayEvent({ req, rawQuery, body, routeKey, pathParameters, now = new Date() }: EventInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter(Boolean),
      ];
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  // Bytes that are not UTF-8 travel base64-encoded even under a text type, so the function
  // sees what was sent (and refuses it) instead of U+FFFD replacements.
  const isText = body.length === 0 || (TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(body));
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const requestId = `${randomBytes(6).toString('base64url')}=`;
  return {
    version: '2.0',
    routeKey,
    rawPath: rawPathOf(req),
    rawQueryString: rawQuery,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: req.method ?? 'GET',
        path: rawPathOf(req),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** The path as sent: not normalised (`/a/../b` stays), so traversal attempts stay visible. */
export function rawPathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] || '/';
}

/** The query string as sent, without the `?`. */
export function rawQueryOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

/** `25/Nov/2026:19:08:31 +0000`, the format of requestContext.time. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
