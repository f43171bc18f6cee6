/** GET /api/v1/admin/api-keys — every key without its secret or hash. */
import { apiKeysService } from '../../shared/api-keys/api-keys-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-api-keys-list'),
  handle: async () => ({ statusCode: 200, body: { items: await apiKeysService().list() } }),
});
