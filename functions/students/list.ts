/** GET /api/v1/students — paged, filtered, searched and sorted list (page or cursor). */
import { entityListHandler } from '../../shared/http/entity-handlers.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityListHandler(students);
