/** PUT|PATCH /api/v1/students/{student_id} — partial update, If-Match aware. */
import { entityUpdateHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityUpdateHandler(students);
