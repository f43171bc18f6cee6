import type { Entity } from '../entity/define-entity.js';
import type { ExportFormatName } from '../export/export-formats.js';
import { exportItems } from '../export/export-service.js';
import { largeExportStoreFromEnv } from '../export/s3/large-export-store-from-env.js';
import { metrics } from '../powertools/metrics.js';
import { analyticsDeclaration, itemsOf, type WholeResultQuery } from './analytics-common.js';
import { EXPORT_FORMAT_ALIASES, exportQuerySchema } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';
import type { HttpResult } from './http-types.js';

/** `EXPORT_INLINE_PAYLOAD_BYTES` lowers the inline limit (tests, or a gateway with a smaller cap). */
function inlinePayloadBytes(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env.EXPORT_INLINE_PAYLOAD_BYTES);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** An entity's export: inline with Content-Disposition up to the payload limit, else 303 to a presigned link. */
export function entityExportHandler(entity: Entity) {
  return createHttpHandler({
    declaration: analyticsDeclaration(entity, 'export'),
    input: { query: exportQuerySchema(entity) },
    handle: ({ query, requestId }) => exportAnswer(entity, query as WholeResultQuery, requestId),
  });
}

/**
 * The answer to an export of `entity` (query already validated by `exportQuerySchema`): the
 * items streamed from the store page by page into the format, inline or 303 to S3. Shared by
 * the v1 export and the table API's `GET /api/batch/{table}/export`.
 */
export async function exportAnswer(entity: Entity, query: WholeResultQuery, requestId: string): Promise<HttpResult> {
  const { format: given = 'csv', ...filters } = query as WholeResultQuery & { format?: string };
  const format = (EXPORT_FORMAT_ALIASES[given as keyof typeof EXPORT_FORMAT_ALIASES] ?? given) as ExportFormatName;
  const result = await exportItems(entity, itemsOf(entity, filters), format, {
    requestId,
    largeExports: largeExportStoreFromEnv(),
    inlinePayloadBytes: inlinePayloadBytes(),
    metrics,
  });
  const disposition = `attachment; filename="${result.filename}"`;
  if (result.kind === 'uploaded') {
    return {
      statusCode: 303,
      headers: { location: result.url, 'x-export-rows': String(result.rows) },
      body: { download_url: result.url, rows: result.rows, bytes: result.bytes, filename: result.filename },
    };
  }
  const headers = { 'content-disposition': disposition, 'x-export-rows': String(result.rows) };
  return result.binary
    ? { statusCode: 200, headers, rawBody: { contentType: result.contentType, bytes: result.body } }
    : { statusCode: 200, headers, rawBody: { contentType: result.contentType, text: result.body.toString('utf8') } };
}
