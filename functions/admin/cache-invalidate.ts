/** POST /api/v1/admin/cache/invalidate?pattern=students:* — drops matching entries; 422 without a pattern. */
import { cacheInvalidateQuerySchema } from '../../shared/admin/cache-admin.schemas.js';
import { invalidateCache } from '../../shared/admin/cache-admin.service.js';
import { containerCache } from '../../shared/entity/entity-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-cache-invalidate'),
  input: { query: cacheInvalidateQuerySchema },
  handle: async ({ query }) => ({ statusCode: 200, body: await invalidateCache(query.pattern, { cache: containerCache() }) }),
});
