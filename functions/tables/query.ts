/** GET and POST /api/{table}/query — the original table API's where query, one cursor-paged page. */
import { tableQueryHandler } from '../../shared/http/table-query-handler.js';

export const handler = tableQueryHandler();
