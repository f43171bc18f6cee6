/** GET /health — 200 when every dependency answers, 503 (with the failing check) otherwise. */
import { entityService } from '../../shared/entity/entity-container.js';
import { checkHealth } from '../../shared/health/health-check.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf, entities } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('system-health'),
  handle: async () => {
    const report = await checkHealth({ dynamodb: entities.map((entity) => () => entityService(entity).ping()) });
    return {
      statusCode: report.status === 'ok' ? 200 : 503,
      body: report,
      headers: report.status === 'ok' ? undefined : { 'retry-after': '5' },
    };
  },
});
