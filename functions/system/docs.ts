/** GET /docs — the OpenAPI document as a self-contained HTML page. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { docsContentSecurityPolicy } from '../../shared/openapi/docs-content-security-policy.js';
import { renderDocsPage } from '../../shared/openapi/docs-page.js';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('system-docs'),
  securityHeaders: { contentSecurityPolicy: docsContentSecurityPolicy },
  handle: async () => ({
    statusCode: 200,
    rawBody: { contentType: 'text/html; charset=utf-8', text: renderDocsPage(buildOpenApiDocument()) },
  }),
});
