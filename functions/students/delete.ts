/** DELETE /api/v1/students/{student_id} — 204; If-Match aware. */
import { entityDeleteHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityDeleteHandler(students);
