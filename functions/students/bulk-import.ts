/** POST /api/v1/students/bulk-import — the original direct upload: CSV/XLSX in the body (≤ 5 MB), summary in the answer. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { bulkImportQuerySchema } from '../../shared/import/jobs/import-jobs.schemas.js';
import { directImport } from '../../shared/import/direct/direct-import.js';
import { readUploadedFile } from '../../shared/import/direct/upload-body.js';
import { currentBudget } from '../../shared/runtime/request-budget.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { declarationOf, entities } from '../../shared/registry.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = createHttpHandler({
  declaration: declarationOf('students-bulk-import'),
  input: { query: bulkImportQuerySchema },
  handle: async ({ query, headers, rawBody, requestId, correlationId }) => {
    const file = await readUploadedFile({ contentType: headers['content-type'], body: rawBody?.body, isBase64Encoded: rawBody?.isBase64Encoded ?? false });
    const container = importJobContainer(entities);
    const budget = currentBudget();
    const remainingMs = budget ? () => budget.deadline - Date.now() : undefined;
    const result = await directImport({ jobs: container.jobs, sink: container.sink(students), entity: students, owner: requestId, remainingMs, correlationId }, file, query.mode ?? 'create');
    return { statusCode: 200, body: result, headers: { location: `/api/v1/imports/${result.import_id}` } };
  },
});
