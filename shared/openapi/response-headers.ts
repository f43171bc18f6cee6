import type { HeaderObject } from './openapi-types.js';

/** Response headers the middleware chain and handlers set, as OpenAPI header objects. */
export const responseHeaders = {
  requestId: {
    description: "Request id: the caller's X-Request-Id when it is safe to log, else API Gateway's",
    schema: { type: 'string' },
  },
  processTime: { description: 'Seconds spent in the function', schema: { type: 'string', examples: ['0.012345'] } },
  etag: { description: 'Strong ETag of the resource version; send it as If-Match', schema: { type: 'string', examples: ['"3"'] } },
  location: { description: 'Path of the created resource', schema: { type: 'string' } },
  retryCount: {
    description: 'Retries of DynamoDB calls (throttling, timeouts, 5xx) this request made; absent when none',
    schema: { type: 'integer', minimum: 1 },
  },
  retryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  queryPlan: {
    description: 'How the query was answered: get, batch-get(n), index(<name>, shards=n) or scan(parallel=n, budget=n)',
    schema: { type: 'string', examples: ['index(all_by_last_name, shards=20)'] },
  },
  cacheControl: { description: 'Caching policy of the response', schema: { type: 'string' } },
  wwwAuthenticate: {
    description: 'How to authenticate (RFC 6750): a Bearer challenge, with error="invalid_token" when credentials were refused',
    schema: { type: 'string', examples: ['Bearer realm="records-platform", error="invalid_token"'] },
  },
} satisfies Record<string, HeaderObject>;

/** Headers every response carries, merged with the operation's own. */
export function withCommonHeaders(headers: Record<string, HeaderObject> = {}): Record<string, HeaderObject> {
  return { ...headers, 'X-Request-Id': responseHeaders.requestId, 'X-Process-Time': responseHeaders.processTime, 'X-Retry-Count': responseHeaders.retryCount };
}
