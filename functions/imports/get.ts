/** GET /api/v1/imports/{import_id} — status, progress, counts and the report link of one job. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { importIdPathSchema } from '../../shared/import/jobs/import-jobs.schemas.js';
import { importJobsService } from '../../shared/import/jobs/import-jobs-service.js';
import { declarationOf, entities } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('imports-get'),
  input: { path: importIdPathSchema },
  handle: async ({ path }) => ({ statusCode: 200, body: await importJobsService(importJobContainer(entities)).get(path.import_id) }),
});
