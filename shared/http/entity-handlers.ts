import * as z from 'zod/mini';
import type { Entity, EntityOperation } from '../entity/define-entity.js';
import { entityFunctions } from '../entity/entity-functions.js';
import { bulkFunctions, bulkRoutes } from '../entity/bulk-functions.js';
import { entityBulkService, entityQueryService, entityService } from '../entity/entity-container.js';
import { listQuerySchema } from '../entity/list-query.js';
import { type BulkBody, bulkBodySchema } from '../query/bulk-body.js';
import { queryBodySchema } from '../query/query-body.js';
import { createHttpHandler } from './create-http-handler.js';
import { etagOf, expectedVersion } from './etag.js';
import { parseOrThrow } from './zod-issues.js';
import type { EventOrigin } from '../events/event-origin.js';

/**
 * The CRUD and query handlers of any declared entity. Each is the same three steps: the factory
 * validates, one service call does the work, the result is shaped here.
 */
const idParams = (entity: Entity) => z.object({ [entity.idField]: entity.id });
const idOf = (entity: Entity, path: Record<string, string>) => path[entity.idField] as string;
const declarationFor = (entity: Entity, operation: EntityOperation) => entityFunctions(entity).find((fn) => fn.operation?.name === operation)!;
/** The request as the origin of the change events it causes (entities that declare `events`). */
const originOf = (request: { correlationId: string; requestId: string }): EventOrigin => ({
  correlationId: request.correlationId,
  causationId: request.requestId,
});

export function entityCreateHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'create'),
    input: { body: entity.createSchema, readOnly: entity.readOnlyFields },
    handle: async (request) => {
      const item = await entityService(entity).create(request.body as Record<string, unknown>, originOf(request));
      const location = `${entity.routes.collection}/${encodeURIComponent(String(item[entity.idField]))}`;
      return { statusCode: 201, body: item, headers: { location, etag: etagOf(item.version) } };
    },
  });
}

export function entityGetHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'get'),
    input: { path: idParams(entity) },
    handle: async ({ path }) => {
      const item = await entityService(entity).get(idOf(entity, path));
      return { statusCode: 200, body: item, headers: { etag: etagOf(item.version) } };
    },
  });
}

export function entityListHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'list'),
    input: { query: listQuerySchema(entity) },
    handle: async ({ query }) => ({ statusCode: 200, body: await entityService(entity).list(query) }),
  });
}

/** `POST {collection}/query`: one page of a where, the chosen plan in `X-Query-Plan`. */
export function entityQueryHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'query'),
    input: { body: queryBodySchema(entity) },
    handle: async ({ body }) => {
      const { items, cursor, plan } = await entityQueryService(entity).query(body);
      return { statusCode: 200, body: { items, cursor }, headers: { 'x-query-plan': plan } };
    },
  });
}

export function entityUpdateHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'update'),
    input: { path: idParams(entity), body: entity.updateSchema, immutable: [entity.idField], readOnly: entity.readOnlyFields },
    handle: async (request) => {
      const { path, body, headers } = request;
      const item = await entityService(entity).update(
        idOf(entity, path),
        body as Record<string, unknown>,
        expectedVersion(headers['if-match']),
        originOf(request),
      );
      return { statusCode: 200, body: item, headers: { etag: etagOf(item.version) } };
    },
  });
}

export function entityDeleteHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationFor(entity, 'delete'),
    input: { path: idParams(entity) },
    handle: async (request) => {
      await entityService(entity).remove(idOf(entity, request.path), expectedVersion(request.headers['if-match']), originOf(request));
      return { statusCode: 204 };
    },
  });
}

/**
 * `POST {collection}/bulk-update` and `…/bulk-delete`, one function: the route picks the body
 * schema and the operation (the authorize middleware already applied the route's permission).
 */
export function entityBulkHandler(entity: Entity) {
  const routes = bulkRoutes(entity);
  const schemas = { update: bulkBodySchema(entity, 'update'), delete: bulkBodySchema(entity, 'delete') };
  const refused = { immutable: [entity.idField], readOnly: entity.readOnlyFields };
  return createHttpHandler({
    declaration: bulkFunctions(entity)[0]!,
    // Any JSON body (parse-request still answers 400/413/415); the route's schema checks it below.
    input: { body: z.unknown() },
    handle: async ({ body, rawPath }) => {
      const operation = rawPath.replace(/\/$/, '').endsWith(routes.delete) ? 'delete' : 'update';
      const parsed = parseOrThrow(schemas[operation], body, 'body', refused) as BulkBody;
      const { result, plan } = await entityBulkService(entity).run(operation, parsed);
      return { statusCode: 200, body: result, headers: { 'x-query-plan': plan } };
    },
  });
}
