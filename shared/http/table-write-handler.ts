import type { Entity } from '../entity/define-entity.js';
import { entityBulkService, entityService } from '../entity/entity-container.js';
import type { BulkBody } from '../query/bulk-body.js';
import { declarationOf, entities } from '../registry.js';
import { compatWhere, relocating } from '../table-api/compat-where.js';
import { resolveTable } from '../table-api/resolve-table.js';
import { tableDeleteBodySchema, tableInsertBodySchema, tableUpdateBodySchema } from '../table-api/table-api-bodies.js';
import { createHttpHandler } from './create-http-handler.js';
import { etagOf } from './etag.js';
import type { HttpResult } from './http-types.js';
import { jsonOrEmpty, tablePath, whereAt } from './table-request.js';
import { parseOrThrow } from './zod-issues.js';

/**
 * The original table API over the v1 services (docs/table-api.md). The table is resolved
 * against the registry first (404 `entity.notFound`, 403 below its own permission), then the
 * body is validated with that table's schema and handed to the v1 service; a where's 422s
 * point at the place the client wrote it.
 */

/** `POST /api/{table}` insert, `PUT /api/{table}` where-update, `DELETE /api/{table}` where-delete. */
export function tableWriteHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-write'),
    input: { path: tablePath },
    handle: async ({ path, method, headers, rawBody, principal }) => {
      const body = jsonOrEmpty(headers, rawBody);
      if (method === 'POST') return insert(resolveTable(entities, path.table, 'insert', principal), body);
      const operation = method === 'PUT' ? 'update' : 'delete';
      return whereWrite(resolveTable(entities, path.table, operation, principal), operation, body);
    },
  });
}

async function insert(entity: Entity, body: unknown): Promise<HttpResult> {
  const { input } = parseOrThrow(tableInsertBodySchema(entity), body, 'body', { readOnly: entity.readOnlyFields });
  const item = await entityService(entity).create(input as Record<string, unknown>);
  const location = `${entity.routes.collection}/${encodeURIComponent(String(item[entity.idField]))}`;
  return { statusCode: 201, body: item, headers: { location, etag: etagOf(item.version) } };
}

async function whereWrite(entity: Entity, operation: 'update' | 'delete', body: unknown): Promise<HttpResult> {
  const refused = { immutable: [entity.idField], readOnly: entity.readOnlyFields };
  if (operation === 'update') {
    const { input, where, ...rest } = parseOrThrow(tableUpdateBodySchema(entity), body, 'body', refused);
    const translated = compatWhere(where);
    const bulk = { ...rest, set: input, where: translated.where } as BulkBody;
    return bulkAnswer(await relocating(whereAt('where', translated.locate), () => entityBulkService(entity).run('update', bulk)));
  }
  const { input, ...rest } = parseOrThrow(tableDeleteBodySchema(entity), body, 'body');
  const translated = compatWhere(input);
  const bulk = { ...rest, where: translated.where } as BulkBody;
  return bulkAnswer(await relocating(whereAt('input', translated.locate), () => entityBulkService(entity).run('delete', bulk)));
}

const bulkAnswer = ({ result, plan }: { result: unknown; plan: string }): HttpResult => ({ statusCode: 200, body: result, headers: { 'x-query-plan': plan } });
