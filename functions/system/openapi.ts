/** GET /openapi.json — the OpenAPI 3.1 document, generated once per cold start. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document.js';

export const handler = createHttpHandler({
  handle: async () => ({
    statusCode: 200,
    body: buildOpenApiDocument(),
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});
