/** POST /api/v1/imports — 201 with a queued job and a presigned PUT for its file. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { createUpload } from '../../shared/import/jobs/create-upload.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { importUploadSchema } from '../../shared/import/jobs/import-jobs.schemas.js';
import { declarationOf, entities } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('imports-create'),
  input: { body: importUploadSchema },
  handle: async ({ body, correlationId }) => {
    const container = importJobContainer(entities);
    if (!container.bucket) throw new Error('IMPORTS_BUCKET is not set');
    const ticket = await createUpload({ jobs: container.jobs, s3: container.s3, bucket: container.bucket, entities, correlationId }, body);
    return { statusCode: 201, body: ticket, headers: { location: `/api/v1/imports/${ticket.import_id}` } };
  },
});
