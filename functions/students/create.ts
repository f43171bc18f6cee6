/** POST /api/v1/students — 201 with Location and ETag; 409 when the id exists. */
import { entityCreateHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityCreateHandler(students);
