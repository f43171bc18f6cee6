/** GET /docs — the OpenAPI document as a self-contained HTML page. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { docsContentSecurityPolicy } from '../../shared/openapi/docs-content-security-policy.js';
import { renderDocsPage } from '../../shared/openapi/docs-page.js';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document.js';

export const handler = createHttpHandler({
  securityHeaders: { contentSecurityPolicy: docsContentSecurityPolicy },
  handle: async () => ({
    statusCode: 200,
    rawBody: { contentType: 'text/html; charset=utf-8', text: renderDocsPage(buildOpenApiDocument()) },
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});
