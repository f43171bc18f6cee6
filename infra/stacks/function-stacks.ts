import type { FunctionDeclaration } from '../../shared/entity/entity-functions.js';

/**
 * The nested stack an HTTP function lives in, derived from its declaration: the area folder of
 * its entry (`functions/<area>/<operation>.ts`, the layout every function follows), so students,
 * products, orders, imports, admin, flags and system each get one (entity areas may hold `_`:
 * `lab_results`). Functions move between stacks only when their entry moves (which changes their logical ids: README "Known limits").
 */
export function functionStackOf(declaration: Pick<FunctionDeclaration, 'id' | 'entry'>): string {
  const area = /^functions\/([a-z][a-z0-9_-]*)\/[^/]+$/.exec(declaration.entry)?.[1];
  if (!area) throw new Error(`${declaration.id}: entry '${declaration.entry}' is not functions/<area>/<file>`);
  return area;
}

/** The construct id of an area's nested stack: `Http` + the area in PascalCase (`HttpStudents`, `HttpLabResults`). */
export function functionStackId(area: string): string {
  return `Http${area.replace(/(^|[-_])([a-z0-9])/g, (_match, _separator, letter: string) => letter.toUpperCase())}`;
}
