/** POST /api/v1/admin/cache/clear — drops every cached entry; answers how many. */
import { clearCache } from '../../shared/admin/cache-admin.service.js';
import { containerCache } from '../../shared/entity/entity-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-cache-clear'),
  handle: async () => ({ statusCode: 200, body: await clearCache({ cache: containerCache() }) }),
});
