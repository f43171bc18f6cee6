import type * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import type { HeaderMap } from './header-map.js';

/** A problem with one field of one row. */
export interface FieldIssue {
  field: string;
  message: string;
}

export type CleanedRow =
  | { kind: 'valid'; id: string; item: Record<string, unknown>; warnings: FieldIssue[] }
  | { kind: 'invalid'; id: string | null; errors: FieldIssue[]; warnings: FieldIssue[] }
  | { kind: 'blank' };

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
const NO_ISSUES: FieldIssue[] = [];

/**
 * Cleans one row into what the create endpoint would accept, by the entity's own create
 * schema (so imported rows obey exactly the API's rules) plus its import declaration:
 * trimmed cells, empty → default or null, numbers parsed ("8,5" too), lenient fields
 * nulled with a warning, a missing required field an error.
 */
export function createRowCleaner(entity: Entity, header: HeaderMap): (cells: readonly string[]) => CleanedRow {
  const settings = entity.import ?? {};
  const required = new Set([entity.idField, ...entity.requiredOnCreate]);
  const lenient = new Set(settings.nullWhenInvalid ?? []);
  const defaults = settings.defaults ?? {};
  const schemaOf = (field: string) => (field === entity.idField ? entity.id : (entity.fields[field] as z.ZodMiniType));
  const fields = [entity.idField, ...Object.keys(entity.fields)].map((field) => ({
    field,
    column: header.columns.indexOf(field),
    numeric: isNumberSchema(schemaOf(field)),
    required: required.has(field),
    lenient: lenient.has(field),
    hasDefault: Object.hasOwn(defaults, field),
    fallback: defaults[field],
  }));
  const byField = new Map(fields.map((spec) => [spec.field, spec]));
  const createSchema = entity.createSchema;

  return function cleanRow(cells) {
    const candidate: Record<string, unknown> = {};
    const raw: Record<string, string> = {};
    let errors: FieldIssue[] | undefined;
    let warnings = NO_ISSUES;
    let blank = true;
    for (const spec of fields) {
      const text = spec.column === -1 ? '' : (cells[spec.column] ?? '').trim();
      if (text === '') {
        if (spec.hasDefault) candidate[spec.field] = spec.fallback;
        else if (spec.required) (errors ??= []).push({ field: spec.field, message: 'Required; the cell is empty' });
        else candidate[spec.field] = null;
        continue;
      }
      blank = false;
      raw[spec.field] = text;
      if (!spec.numeric) {
        candidate[spec.field] = text;
      } else if (NUMBER.test(text)) {
        candidate[spec.field] = Number(text.replace(',', '.'));
      } else if (spec.lenient) {
        candidate[spec.field] = null;
        if (warnings === NO_ISSUES) warnings = [];
        warnings.push({ field: spec.field, message: `'${text}' is not a number; left empty` });
      } else {
        (errors ??= []).push({ field: spec.field, message: `'${text}' is not a number` });
      }
    }
    if (blank && cells.every((cell) => cell.trim() === '')) return { kind: 'blank' };
    let parsed = createSchema.safeParse(candidate);
    if (!parsed.success) {
      let repaired = false;
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        const spec = byField.get(field);
        if (spec?.lenient && candidate[field] !== null) {
          candidate[field] = null;
          repaired = true;
          if (warnings === NO_ISSUES) warnings = [];
          warnings.push({ field, message: `'${raw[field]}' is not allowed (${issue.message}); left empty` });
        } else if (!errors?.some((known) => known.field === field)) {
          (errors ??= []).push({ field, message: raw[field] === undefined ? issue.message : `'${raw[field]}': ${issue.message}` });
        }
      }
      if (repaired && !errors) parsed = createSchema.safeParse(candidate);
    }
    const id = parsed.success ? String(parsed.data[entity.idField]) : normalisedId(entity, raw[entity.idField]);
    if (errors || !parsed.success) {
      return { kind: 'invalid', id, errors: errors ?? parsed.error!.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), message: issue.message })), warnings };
    }
    return { kind: 'valid', id: id!, item: parsed.data as Record<string, unknown>, warnings };
  };
}

function normalisedId(entity: Entity, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const parsed = entity.id.safeParse(raw);
  return parsed.success ? parsed.data : raw.toUpperCase();
}

/** Whether a field's schema is a number (through nullable/optional wrappers). */
function isNumberSchema(schema: z.ZodMiniType): boolean {
  let def = schema._zod.def as { type: string; innerType?: z.ZodMiniType };
  while ((def.type === 'nullable' || def.type === 'optional') && def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type === 'number';
}
