/** GET /health — 200 when every dependency answers, 503 (with the failing check) otherwise. */
import { entityService } from '../../shared/entity/entity-container.js';
import { checkHealth } from '../../shared/health/health-check.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { entities } from '../../shared/registry.js';

export const handler = createHttpHandler({
  handle: async () => {
    const report = await checkHealth({ dynamodb: entities.map((entity) => () => entityService(entity).ping()) });
    return {
      statusCode: report.status === 'ok' ? 200 : 503,
      body: report,
      headers: { 'cache-control': 'no-store', ...(report.status === 'ok' ? {} : { 'retry-after': '5' }) },
    };
  },
});
