import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { students } from '../students/students.entity.js';
import { chartPathSchema, chartQuerySchema, exportQuerySchema, wholeResultQuery } from './analytics-query.js';

describe('whole-result queries', () => {
  it('take the list filters, search and sort but no paging', () => {
    const keys = Object.keys(wholeResultQuery(students).shape).sort();
    expect(keys).toEqual(['hometown', 'search', 'sort']);
  });

  it('accept the export formats and the original excel alias, nothing else', () => {
    const schema = exportQuerySchema(students);
    for (const format of ['csv', 'xlsx', 'excel', 'xml']) expect(z.safeParse(schema, { format }).success).toBe(true);
    expect(z.safeParse(schema, { format: 'pdf' }).success).toBe(false);
  });

  it('accept the chart kinds and formats', () => {
    expect(z.safeParse(chartPathSchema, { chart: 'violin' }).success).toBe(true);
    expect(z.safeParse(chartPathSchema, { chart: 'pie' }).success).toBe(false);
    expect(z.safeParse(chartQuerySchema(students), { format: 'vega', hometown: 'Huế' }).success).toBe(true);
    expect(z.safeParse(chartQuerySchema(students), { format: 'gif' }).success).toBe(false);
  });
});
