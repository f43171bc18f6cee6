/** GET /api/v1/admin/cache/stats — hits, misses, sizes, evictions of L1 and L2 over every container. */
import { cacheStats } from '../../shared/admin/cache-admin.service.js';
import { containerCache } from '../../shared/entity/entity-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-cache-stats'),
  handle: async () => ({ statusCode: 200, body: await cacheStats({ cache: containerCache() }) }),
});
