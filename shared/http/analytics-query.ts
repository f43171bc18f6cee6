import * as z from 'zod/mini';
import { CHART_FORMATS, CHART_KINDS } from '../charts/chart-kind.js';
import type { Entity } from '../entity/define-entity.js';
import { listQuerySchema } from '../entity/list-query.js';
import { EXPORT_FORMAT_NAMES } from '../export/export-format-names.js';

/** The list's filters, search and sort, without paging: what a whole-result read takes. */
export function wholeResultQuery(entity: Entity) {
  return z.object(wholeResultShape(entity));
}

/** The list query's fields minus page, page_size and cursor (built from the shape: `omit` refuses schemas with checks). */
function wholeResultShape(entity: Entity) {
  const { page: _page, page_size: _pageSize, cursor: _cursor, ...rest } = listQuerySchema(entity).shape;
  return rest;
}

/** `excel` is the original API's name for xlsx. */
export const EXPORT_FORMAT_ALIASES = { excel: 'xlsx' } as const;

export function exportQuerySchema(entity: Entity) {
  const names = [...EXPORT_FORMAT_NAMES, ...Object.keys(EXPORT_FORMAT_ALIASES)] as [string, ...string[]];
  return z.object({
    ...wholeResultShape(entity),
    format: z.optional(z.enum(names).check(z.describe(`Output format (default csv; excel = xlsx)`))),
  });
}

export function chartQuerySchema(entity: Entity) {
  return z.object({
    ...wholeResultShape(entity),
    format: z.optional(z.enum(CHART_FORMATS).check(z.describe('svg, png (default) or the vega-lite spec'))),
  });
}

export const chartPathSchema = z.object({ chart: z.enum(CHART_KINDS) });
