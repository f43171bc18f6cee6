/** POST /api/v1/students/query — a where over students: get, batch-get, index or scan plan, cursor-paged. */
import { entityQueryHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityQueryHandler(students);
