/** POST /api/v1/students/bulk-import — the original direct upload: CSV/XLSX in the body (≤ 5 MB), summary in the answer. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { bulkImportQuerySchema } from '../../shared/import/jobs/import-jobs.schemas.js';
import { importUpload } from '../../shared/import/direct/import-upload.js';
import { readUploadedFile } from '../../shared/import/direct/upload-body.js';
import { declarationOf } from '../../shared/registry.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = createHttpHandler({
  declaration: declarationOf('students-bulk-import'),
  input: { query: bulkImportQuerySchema },
  handle: async ({ query, headers, rawBody, requestId, correlationId }) => {
    const file = await readUploadedFile({ contentType: headers['content-type'], body: rawBody?.body, isBase64Encoded: rawBody?.isBase64Encoded ?? false });
    return importUpload(students, file, query.mode ?? 'create', { requestId, correlationId });
  },
});
