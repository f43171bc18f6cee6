import type { Entity } from '../entity/define-entity.js';
import { ImportFileError } from './import.errors.js';

/** Which entity field each column feeds (undefined: ignored), and what the header lacked or had extra. */
export interface HeaderMap {
  /** Per column index: the field it fills, or undefined when the column is ignored. */
  columns: (string | undefined)[];
  /** Headings that matched no field (or repeated a field already mapped), as written. */
  unknownColumns: string[];
}

/** Case, spaces, underscores, hyphens and dots do not matter: "Student ID" = "student_id" = "studentid". */
export function headingKey(heading: string): string {
  return heading
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_.\-\uFEFF]+/g, '');
}

/**
 * Maps row 1 of a file onto the entity's fields through their names and declared aliases.
 * A file without every required column fails here, before any row is written.
 */
export function mapHeader(entity: Entity, headings: readonly string[]): HeaderMap {
  const byKey = new Map<string, string>();
  const fields = [entity.idField, ...Object.keys(entity.fields)];
  for (const field of fields) {
    byKey.set(headingKey(field), field);
    for (const alias of entity.import?.aliases?.[field] ?? []) byKey.set(headingKey(alias), field);
  }
  const mapped = new Set<string>();
  const columns: (string | undefined)[] = [];
  const unknownColumns: string[] = [];
  headings.forEach((heading, index) => {
    const field = byKey.get(headingKey(heading));
    if (field && !mapped.has(field)) {
      mapped.add(field);
      columns[index] = field;
    } else {
      columns[index] = undefined;
      if (heading.trim() !== '') unknownColumns.push(heading.trim());
    }
  });
  const required = [entity.idField, ...entity.requiredOnCreate];
  const missing = required.filter((field) => !mapped.has(field));
  if (missing.length > 0) {
    const found = headings.filter((heading) => heading.trim() !== '').map((heading) => `"${heading.trim()}"`);
    throw new ImportFileError(
      'missingColumns',
      `The file is missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Row 1 must name ${missing.length > 1 ? 'them' : 'it'} (e.g. ${missing.map((field) => `"${entity.import?.aliases?.[field]?.[0] ?? field}"`).join(', ')}); it has ${found.length > 0 ? found.join(', ') : 'no headings'}.`,
      { missing, found: headings },
    );
  }
  return { columns, unknownColumns };
}
