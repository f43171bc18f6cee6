/** GET /api/v1/visualizations/score-distribution — the original base64 PNG histogram with averages. */
import { scoreDistributionHandler } from '../../shared/http/score-distribution-handler.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = scoreDistributionHandler(students);
