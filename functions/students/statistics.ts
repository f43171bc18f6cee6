/** GET /api/v1/students/statistics — per-subject summaries, grades and hometowns in one pass. */
import { entityStatisticsHandler } from '../../shared/http/statistics-handler.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityStatisticsHandler(students);
