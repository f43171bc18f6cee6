import { declarationOf, entities } from '../registry.js';
import { resolveTable } from '../table-api/resolve-table.js';
import { exportQuerySchema } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';
import { exportAnswer } from './export-handler.js';
import { anyParams, tablePath } from './table-request.js';
import { parseOrThrow } from './zod-issues.js';

/** `GET /api/batch/{table}/export`: the v1 export of that table (CSV unless `format=`), same filters. */
export function tableExportHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-export'),
    input: { path: tablePath, query: anyParams },
    handle: async ({ path, query, requestId, principal }) => {
      const entity = resolveTable(entities, path.table, 'export', principal);
      return exportAnswer(entity, parseOrThrow(exportQuerySchema(entity), query, 'query'), requestId);
    },
  });
}
