/**
 * CORS allow-list from configuration (`CORS_ALLOWED_ORIGINS`, comma-separated). An origin
 * not on the list gets no Access-Control-Allow-Origin header; `*` is never implied.
 */
export function corsOptions(env: NodeJS.ProcessEnv = process.env) {
  const origins = (env.CORS_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    origins: origins.length > 0 ? origins : ['https://invalid.example'],
    headers: 'Authorization,Content-Type,If-Match,If-None-Match,X-Request-Id,X-Correlation-Id,X-API-Key',
    methods: 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS',
    exposeHeaders:
      'ETag,Location,Content-Disposition,X-Request-Id,X-Correlation-Id,X-Process-Time,X-Retry-Count,X-Query-Plan,Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset',
    maxAge: 600,
    // No early answer in `before` (it would skip every `after`: request id, security headers,
    // metrics): the handler factory answers a preflight with a 204 that CORS decorates.
    disableBeforePreflightResponse: true,
  };
}
