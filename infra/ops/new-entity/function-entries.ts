import { camelCase, type EntitySpec } from './entity-spec.js';

/** The entity operations that get a Lambda entry file: entityFunctions and bulkFunctions name them `functions/<name>/<file>.ts`. */
const ENTRIES = [
  {
    file: 'create',
    factory: 'entityCreateHandler',
    doc: (s: EntitySpec) => `POST /api/v1/${s.name} — 201 with Location and ETag; 409 when the ${s.idField} exists.`,
  },
  { file: 'get', factory: 'entityGetHandler', doc: (s: EntitySpec) => `GET /api/v1/${s.name}/{${s.idField}} — one ${s.singular} with its ETag.` },
  { file: 'list', factory: 'entityListHandler', doc: (s: EntitySpec) => `GET /api/v1/${s.name} — paged, filtered, searched and sorted list (page or cursor).` },
  {
    file: 'query',
    factory: 'entityQueryHandler',
    doc: (s: EntitySpec) => `POST /api/v1/${s.name}/query — a where over ${s.name}: get, batch-get, index or scan plan, cursor-paged.`,
  },
  { file: 'update', factory: 'entityUpdateHandler', doc: (s: EntitySpec) => `PUT|PATCH /api/v1/${s.name}/{${s.idField}} — partial update, If-Match aware.` },
  { file: 'delete', factory: 'entityDeleteHandler', doc: (s: EntitySpec) => `DELETE /api/v1/${s.name}/{${s.idField}} — 204; If-Match aware.` },
  {
    file: 'bulk',
    factory: 'entityBulkHandler',
    doc: (s: EntitySpec) => `POST /api/v1/${s.name}/bulk-update and /bulk-delete — a where's matches updated or deleted, ≤ 1,000 per call.`,
  },
] as const;

/** `functions/<name>/<operation>.ts` → content: one factory call each, like functions/products/. */
export function functionEntries(spec: EntitySpec): Record<string, string> {
  const entity = camelCase(spec.name);
  return Object.fromEntries(
    ENTRIES.map(({ file, factory, doc }) => [
      `functions/${spec.name}/${file}.ts`,
      [
        `/** ${doc(spec)} */`,
        `import { ${factory} } from '../../shared/http/entity-handlers.js';`,
        `import { ${entity} } from '../../shared/${spec.name}/${spec.name}.entity.js';`,
        '',
        `export const handler = ${factory}(${entity});`,
        '',
      ].join('\n'),
    ]),
  );
}
