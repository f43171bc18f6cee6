/** GET /api/v1/students/{student_id} — one student with derived fields and ETag. */
import { entityGetHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityGetHandler(students);
