/** GET /api/v1/students/export (and the original /api/v1/export) — CSV, XLSX or XML; 303 to S3 when large. */
import { entityExportHandler } from '../../shared/http/export-handler.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityExportHandler(students);
