/** GET /api/v1/imports — recent import jobs, newest first, `next_cursor` for the next page. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { importListQuerySchema } from '../../shared/import/jobs/import-jobs.schemas.js';
import { importJobsService } from '../../shared/import/jobs/import-jobs-service.js';
import { declarationOf, entities } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('imports-list'),
  input: { query: importListQuerySchema },
  handle: async ({ query }) => ({ statusCode: 200, body: await importJobsService(importJobContainer(entities)).list(query.limit ?? 20, query.cursor) }),
});
