import { camelCase, type EntitySpec, pascalCase, SpecError } from './entity-spec.js';

/** The lines new:entity inserts above; a file without them was edited by hand past recognition. */
export const REGISTRY_IMPORTS_MARK = '// npm run new:entity adds entity imports above this line';
export const REGISTRY_ENTITIES_MARK = '// npm run new:entity adds entities above this line';
export const CATALOGUE_MARK = '// npm run new:entity adds the write metrics of new entities above this line';

/** shared/registry.ts with the entity imported and appended to `entities`: routes, tables, grants, OpenAPI and the auth matrix follow from that list. */
export function registerEntity(registry: string, spec: EntitySpec): string {
  const name = camelCase(spec.name);
  const withImport = insertAbove(registry, REGISTRY_IMPORTS_MARK, `import { ${name} } from './${spec.name}/${spec.name}.entity.js';`, 'shared/registry.ts');
  return insertAbove(withImport, REGISTRY_ENTITIES_MARK, `${name},`, 'shared/registry.ts');
}

/** shared/observability/metric-catalogue.ts with the three write metrics entityWriteMetrics derives from the name. */
export function registerWriteMetrics(catalogue: string, spec: EntitySpec): string {
  const base = pascalCase(spec.name);
  const label = spec.name.replaceAll('_', ' ');
  const Label = label.charAt(0).toUpperCase() + label.slice(1);
  const entries = (['Created', 'Updated', 'Deleted'] as const).map(
    (verb) => `${base}${verb}: { unit: 'Count', group: 'entities', description: '${Label} ${verb.toLowerCase()} through the API.' },`,
  );
  return entries.reduce((text, entry) => insertAbove(text, CATALOGUE_MARK, entry, 'shared/observability/metric-catalogue.ts'), catalogue);
}

/** Whether `source` already binds `identifier` (import, const, function, class): a second one would not compile. */
export function bindsIdentifier(source: string, identifier: string): boolean {
  const name = identifier.replace(/[$]/g, '\\$&');
  return new RegExp(`(?:\\b(?:const|let|var|function|class|type|interface)\\s+${name}\\b)|(?:import\\s*\\{[^}]*\\b${name}\\b[^}]*\\})`).test(source);
}

/** `line` inserted above the marker line, with the marker's indentation. */
export function insertAbove(source: string, mark: string, line: string, file: string): string {
  const at = source.indexOf(mark);
  if (at === -1) throw new SpecError(`${file} has no line '${mark}…': restore it where new entries belong`);
  if (source.indexOf(mark, at + 1) !== -1) throw new SpecError(`${file} has the line '${mark}…' twice`);
  const lineStart = source.lastIndexOf('\n', at) + 1;
  const indent = source.slice(lineStart, at);
  return `${source.slice(0, lineStart)}${indent}${line}\n${source.slice(lineStart)}`;
}
