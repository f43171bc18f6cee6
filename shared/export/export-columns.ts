import type { Entity } from '../entity/define-entity.js';

/** How a column's values are typed when read back (the response schema decides). */
export type ColumnType = 'string' | 'number';

export interface ExportColumn {
  field: string;
  type: ColumnType;
}

/**
 * The export columns of an entity, in declared order, each typed from its response schema
 * (numbers stay numeric cells in XLSX, everything else is text).
 */
export function exportColumns(entity: Entity): ExportColumn[] {
  if (!entity.export) throw new Error(`${entity.name} declares no export`);
  const shape = entity.responseSchema.shape as Record<string, unknown>;
  return entity.export.columns.map((field) => ({ field, type: isNumeric(shape[field]) ? 'number' : 'string' }));
}

/** Unwraps nullable/optional wrappers and asks whether the inner schema is a number. */
function isNumeric(schema: unknown): boolean {
  let current = schema as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  while (current?._zod?.def?.innerType) current = current._zod.def.innerType as typeof current;
  const type = current?._zod?.def?.type;
  return type === 'number' || type === 'int';
}
