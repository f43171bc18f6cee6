/** GET /openapi.json — the OpenAPI 3.1 document, generated once per cold start. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('system-openapi'),
  handle: async () => ({
    statusCode: 200,
    body: buildOpenApiDocument(),
  }),
});
