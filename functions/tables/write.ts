/** POST /api/{table} (insert), PUT /api/{table} (update where), DELETE /api/{table} (delete where) — the original table API. */
import { tableWriteHandler } from '../../shared/http/table-write-handler.js';

export const handler = tableWriteHandler();
