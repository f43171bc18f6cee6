/** GET /api/v1/students/charts/{chart} — histogram, boxplot, violin or subject-averages as SVG, PNG or vega-lite. */
import { entityChartHandler } from '../../shared/http/chart-handler.js';
import { students } from '../../shared/students/students.entity.js';

export const handler = entityChartHandler(students);
