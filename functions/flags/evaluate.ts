/** GET /api/v1/flags/evaluate?user_id=&role= — what every flag answers for that user (admin). */
import { flagsEvaluateQuerySchema } from '../../shared/flags/flags-admin.schemas.js';
import { evaluateFlagsFor } from '../../shared/flags/flags-admin.service.js';
import { featureFlags, flushFlagMetrics } from '../../shared/flags/flags-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('flags-evaluate'),
  input: { query: flagsEvaluateQuerySchema },
  handle: async ({ query }) => {
    const body = await evaluateFlagsFor(query, featureFlags());
    flushFlagMetrics();
    return { statusCode: 200, body };
  },
});
