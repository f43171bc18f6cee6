import { UnsupportedMediaTypeError } from '../errors/app-error.js';
import { importUpload } from '../import/direct/import-upload.js';
import { readUploadedFile } from '../import/direct/upload-body.js';
import { bulkImportQuerySchema } from '../import/jobs/import-jobs.schemas.js';
import { declarationOf, entities } from '../registry.js';
import { resolveTable } from '../table-api/resolve-table.js';
import { createHttpHandler } from './create-http-handler.js';

/** `POST /api/batch/import`: a multipart file whose name without extension (`students.csv`) names the table. */
export function tableImportHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-import'),
    input: { query: bulkImportQuerySchema },
    handle: async ({ query, headers, rawBody, requestId, correlationId, principal }) => {
      requireMultipart(headers['content-type']);
      const file = await readUploadedFile({ contentType: headers['content-type'], body: rawBody?.body, isBase64Encoded: rawBody?.isBase64Encoded ?? false });
      const entity = resolveTable(entities, tableOfFile(file.name), 'import', principal);
      return importUpload(entity, file, query.mode ?? 'create', { requestId, correlationId });
    },
  });
}

/** A raw body has no file name, so nothing would name the table. */
function requireMultipart(contentType: string | undefined): void {
  if (contentType?.split(';')[0]!.trim().toLowerCase() === 'multipart/form-data') return;
  throw new UnsupportedMediaTypeError(
    'import.unsupportedMediaType',
    "Send the file as multipart/form-data in the field 'file'; its name without the extension names the table (students.csv).",
    { contentType: contentType?.split(';')[0]?.trim() || null },
  );
}

const tableOfFile = (name: string) => name.replace(/\.(csv|xlsx)$/i, '');
