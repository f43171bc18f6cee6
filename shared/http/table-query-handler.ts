import type { Entity } from '../entity/define-entity.js';
import { entityQueryService } from '../entity/entity-container.js';
import type { QueryBody } from '../query/query-body.js';
import { declarationOf, entities } from '../registry.js';
import { compatWhere, relocating } from '../table-api/compat-where.js';
import { resolveTable } from '../table-api/resolve-table.js';
import { tableQueryBodySchema } from '../table-api/table-api-bodies.js';
import { paramsAsBody } from '../table-api/table-query-params.js';
import { createHttpHandler } from './create-http-handler.js';
import type { HttpResult } from './http-types.js';
import { anyParams, jsonOrEmpty, type Loc, tablePath, whereAt } from './table-request.js';
import { parseOrThrow } from './zod-issues.js';

/** `GET /api/{table}/query?field=value…` and `POST /api/{table}/query` `{input: where, …}`: one page, as the v1 query. */
export function tableQueryHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-query'),
    // The body is read below (parse-request knows no table yet): the named table's schema checks it.
    input: { path: tablePath, query: anyParams },
    handle: async ({ path, query, method, headers, rawBody, principal }) => {
      const entity = resolveTable(entities, path.table, 'query', principal);
      if (method === 'POST') return queryPage(entity, jsonOrEmpty(headers, rawBody), (loc) => loc);
      const { body, locate } = paramsAsBody(entity, query);
      return queryPage(entity, body, locate);
    },
  });
}

async function queryPage(entity: Entity, body: unknown, toClient: (loc: Loc) => Loc): Promise<HttpResult> {
  const { input, ...paging } = await relocating(toClient, () => parseOrThrow(tableQueryBodySchema(entity), body, 'body'));
  const translated = compatWhere(input);
  const request = { ...paging, ...(translated.where === undefined ? {} : { where: translated.where }) } as QueryBody;
  const located = (loc: Loc) => toClient(whereAt('input', translated.locate)(loc));
  const { items, cursor, plan } = await relocating(located, () => entityQueryService(entity).query(request));
  return { statusCode: 200, body: { items, cursor }, headers: { 'x-query-plan': plan } };
}
