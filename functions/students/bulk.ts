/** POST /api/v1/students/bulk-update and /bulk-delete — a where's matches updated or deleted, ≤ 1,000 per call, cursor to continue. */
import { entityBulkHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityBulkHandler(students);
