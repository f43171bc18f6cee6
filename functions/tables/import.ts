/** POST /api/batch/import — the original table API's upload: the file name (students.csv) names the table. */
import { tableImportHandler } from '../../shared/http/table-import-handler.js';

export const handler = tableImportHandler();
