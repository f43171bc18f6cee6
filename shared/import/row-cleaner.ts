import type * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { createFieldJudge, Refusal } from './field-judge.js';
import type { HeaderMap } from './header-map.js';
import { parseDecimal } from './parse-decimal.js';

/** A problem with one field of one row. */
export interface FieldIssue {
  field: string;
  message: string;
}

export type CleanedRow =
  | { kind: 'valid'; id: string; item: Record<string, unknown>; warnings: FieldIssue[] }
  | { kind: 'invalid'; id: string | null; errors: FieldIssue[]; warnings: FieldIssue[] }
  | { kind: 'blank' };

const NO_ISSUES: FieldIssue[] = [];

/**
 * Cleans one row into what the create endpoint would accept, field by field with the entity's
 * own create schema (`createSchema.shape`: the very schemas the API validates with, so imported
 * rows obey exactly its rules and messages; see `createFieldJudge` for how that stays cheap)
 * plus its import declaration: trimmed cells, empty → default or null, numbers parsed ("8,5"
 * too), lenient fields nulled with a warning, a missing required field an error.
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
    const numeric = isNumberSchema(schema);
    return {
      field,
      // Ids never repeat, and a number is checked faster than it is looked up.
      judge: createFieldJudge(schema, { remember: field !== entity.idField && !numeric }),
      column: header.columns.indexOf(field),
      numeric,
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
      const text = spec.column === -1 ? '' : trimmed(cells[spec.column] ?? '');
      if (text === '') {
        if (spec.emptyAllowed) item[spec.field] = spec.empty;
        else (errors ??= []).push({ field: spec.field, message: 'Required; the cell is empty' });
        continue;
      }
      blank = false;
      let value: unknown = text;
      if (spec.numeric) {
        value = parseDecimal(text);
        if (Number.isNaN(value)) {
          if (spec.lenient) {
            item[spec.field] = null;
            if (warnings === NO_ISSUES) warnings = [];
            warnings.push({ field: spec.field, message: `'${text}' is not a number; left empty` });
          } else {
            (errors ??= []).push({ field: spec.field, message: `'${text}' is not a number` });
          }
          continue;
        }
      }
      const judged = spec.judge(value);
      if (!(judged instanceof Refusal)) {
        item[spec.field] = judged;
      } else if (spec.lenient) {
        item[spec.field] = null;
        if (warnings === NO_ISSUES) warnings = [];
        warnings.push({ field: spec.field, message: `'${text}' is not allowed (${judged.message}); left empty` });
      } else {
        (errors ??= []).push({ field: spec.field, message: `'${text}': ${judged.message}` });
      }
    }
    if (blank && cells.every((cell) => cell.trim() === '')) return { kind: 'blank' };
    const id = typeof item[idField] === 'string' ? (item[idField] as string) : normalisedId(cells[fields[0]!.column]);
    if (errors) return { kind: 'invalid', id, errors, warnings };
    return { kind: 'valid', id: id!, item, warnings };
  };
}

/**
 * `text.trim()`, skipping the call for the usual cell that starts and ends with a visible
 * ASCII character (trim also removes Unicode spaces, so anything else goes through it).
 */
function trimmed(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
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
