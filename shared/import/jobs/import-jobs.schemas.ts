import * as z from 'zod/mini';

/** `POST /api/v1/imports` body. */
export const importUploadSchema = z
  .strictObject({
    entity: z.string().check(z.minLength(1), z.maxLength(64), z.describe('Entity to import into, e.g. students')),
    filename: z.string().check(z.minLength(1), z.maxLength(200), z.describe('File name ending in .csv or .xlsx')),
    mode: z.optional(z.enum(['create', 'upsert']).check(z.describe('create (default): existing ids are errors; upsert: they are updated'))),
  })
  .check(z.meta({ id: 'ImportUpload' }));

export const importIdPathSchema = z.strictObject({
  import_id: z.string().check(z.regex(/^imp_[A-Za-z0-9_-]{16,40}$/, 'Must be an import id (imp_…)')),
});

export const importListQuerySchema = z.object({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

/** `POST {collection}/bulk-import` query. */
export const bulkImportQuerySchema = z.object({
  mode: z.optional(z.enum(['create', 'upsert']).check(z.describe('create (default): existing ids are errors; upsert: they are updated'))),
});
