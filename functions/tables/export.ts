/** GET /api/batch/{table}/export — the original table API's CSV export of a table. */
import { tableExportHandler } from '../../shared/http/table-export-handler.js';

export const handler = tableExportHandler();
