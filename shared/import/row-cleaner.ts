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
 * Cleans one row into what the create endpoint would accept, field by field with the entity's
 * own create schema (`createSchema.shape`: the very schemas the API validates with, so imported
 * rows obey exactly its rules; one field at a time is also ~2× faster than the object) plus its
 * import declaration: trimmed cells, empty → default or null, numbers parsed ("8,5" too),
 * lenient fields nulled with a warning, a missing required field an error.
 */
export function createRowCleaner(entity: Entity, header: HeaderMap): (cells: readonly string[]) => CleanedRow {
  const settings = entity.import ?? {};
  const required = new Set([entity.idField, ...entity.requiredOnCreate]);
  const lenient = new Set(settings.nullWhenInvalid ?? []);
  const defaults = settings.defaults ?? {};
  const shape = entity.createSchema.shape as Record<string, z.ZodMiniType>;
  const fields = [entity.idField, ...Object.keys(entity.fields)].map((field) => {
    const schema = shape[field]!;
    const hasDefault = Object.hasOwn(defaults, field);
    const empty = hasDefault ? defaults[field] : null;
    return {
      field,
      validate: field === entity.idField ? (value: unknown) => schema.safeParse(value) : memoised(schema),
      column: header.columns.indexOf(field),
      numeric: isNumberSchema(schema),
      lenient: lenient.has(field),
      // An empty cell becomes the default (or null) only where the API would accept that value.
      empty,
      emptyAllowed: !required.has(field) && schema.safeParse(empty).success,
    };
  });
  const idField = entity.idField;

  return function cleanRow(cells) {
    const item: Record<string, unknown> = {};
    let errors: FieldIssue[] | undefined;
    let warnings = NO_ISSUES;
    let blank = true;
    for (const spec of fields) {
      const text = spec.column === -1 ? '' : (cells[spec.column] ?? '').trim();
      if (text === '') {
        if (spec.emptyAllowed) item[spec.field] = spec.empty;
        else (errors ??= []).push({ field: spec.field, message: 'Required; the cell is empty' });
        continue;
      }
      blank = false;
      let value: unknown = text;
      if (spec.numeric) {
        if (NUMBER.test(text)) {
          value = Number(text.includes(',') ? text.replace(',', '.') : text);
        } else if (spec.lenient) {
          item[spec.field] = null;
          if (warnings === NO_ISSUES) warnings = [];
          warnings.push({ field: spec.field, message: `'${text}' is not a number; left empty` });
          continue;
        } else {
          (errors ??= []).push({ field: spec.field, message: `'${text}' is not a number` });
          continue;
        }
      }
      const parsed = spec.validate(value);
      if (parsed.success) {
        item[spec.field] = parsed.data;
      } else if (spec.lenient) {
        item[spec.field] = null;
        if (warnings === NO_ISSUES) warnings = [];
        warnings.push({ field: spec.field, message: `'${text}' is not allowed (${parsed.error.issues[0]?.message}); left empty` });
      } else {
        (errors ??= []).push({ field: spec.field, message: `'${text}': ${parsed.error.issues[0]?.message}` });
      }
    }
    if (blank && cells.every((cell) => cell.trim() === '')) return { kind: 'blank' };
    const id = typeof item[idField] === 'string' ? (item[idField] as string) : normalisedId(cells[fields[0]!.column]);
    if (errors) return { kind: 'invalid', id, errors, warnings };
    return { kind: 'valid', id: id!, item, warnings };
  };
}

const MEMO_ENTRIES = 2048;

/**
 * `schema.safeParse` remembering its answers for repeated cell values (hometowns, names,
 * scores repeat; the schemas are pure), which halves validation time on real rosters. A field
 * whose values rarely repeat (emails) stops being remembered after the first table fill.
 */
function memoised(schema: z.ZodMiniType): (value: unknown) => ReturnType<z.ZodMiniType['safeParse']> {
  let memo: Map<unknown, ReturnType<z.ZodMiniType['safeParse']>> | undefined = new Map();
  let hits = 0;
  return (value) => {
    if (!memo) return schema.safeParse(value);
    const known = memo.get(value);
    if (known) {
      hits++;
      return known;
    }
    const parsed = schema.safeParse(value);
    if (memo.size >= MEMO_ENTRIES) {
      if (hits < MEMO_ENTRIES) memo = undefined;
      else memo.clear();
      hits = 0;
    } else {
      memo.set(value, parsed);
    }
    return parsed;
  };
}

function normalisedId(raw: string | undefined): string | null {
  const text = raw?.trim();
  return text ? text.toUpperCase() : null;
}

/** Whether a field's schema is a number (through nullable/optional wrappers). */
function isNumberSchema(schema: z.ZodMiniType): boolean {
  let def = schema._zod.def as { type: string; innerType?: z.ZodMiniType };
  while ((def.type === 'nullable' || def.type === 'optional') && def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type === 'number';
}
