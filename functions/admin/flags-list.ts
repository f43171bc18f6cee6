/** GET /api/v1/admin/flags — every declared flag with its live rules and where they came from. */
import { listFlags } from '../../shared/flags/flags-admin.service.js';
import { featureFlags } from '../../shared/flags/flags-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-flags-list'),
  handle: async () => ({ statusCode: 200, body: await listFlags(featureFlags()) }),
});
