import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { entityBulkService, entityQueryService, entityService } from '../entity/entity-container.js';
import { UnsupportedMediaTypeError } from '../errors/app-error.js';
import { importUpload } from '../import/direct/import-upload.js';
import { readUploadedFile } from '../import/direct/upload-body.js';
import { bulkImportQuerySchema } from '../import/jobs/import-jobs.schemas.js';
import type { BulkBody } from '../query/bulk-body.js';
import type { QueryBody } from '../query/query-body.js';
import { declarationOf, entities } from '../registry.js';
import { compatWhere, relocating } from '../table-api/compat-where.js';
import { resolveTable } from '../table-api/resolve-table.js';
import { tableDeleteBodySchema, tableInsertBodySchema, tableQueryBodySchema, tableUpdateBodySchema } from '../table-api/table-api-bodies.js';
import { paramsAsBody } from '../table-api/table-query-params.js';
import { exportQuerySchema } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';
import { etagOf } from './etag.js';
import { exportAnswer } from './export-handler.js';
import type { HttpResult } from './http-types.js';
import { readJsonBody } from './middlewares/parse-request.js';
import { parseOrThrow } from './zod-issues.js';

/**
 * The original table API over the v1 services (docs/table-api.md). The table is resolved
 * against the registry first (404 `entity.notFound`, 403 below its own permission), then the
 * body is validated with that table's schema and handed to the v1 service; a where's 422s
 * point at the place the client wrote it.
 */
type Loc = (string | number)[];

const tablePath = z.object({ table: z.string() });
const anyParams = z.record(z.string(), z.string());
/** The JSON body, or `{}` when there is none at all: a DELETE without a where is its 400, not a 422. */
const jsonOrEmpty = (headers: Record<string, string | undefined>, raw: { body: string | undefined; isBase64Encoded: boolean } | undefined) =>
  raw?.body || headers['content-type'] ? readJsonBody({ body: raw?.body, isBase64Encoded: raw?.isBase64Encoded ?? false, headers }) : {};
/** A v1 where location (`body.where.…`) → the body key the client sent it in, through the shorthand's translation. */
const whereAt = (key: string, locate: (loc: Loc) => Loc) => (loc: Loc) =>
  loc[0] === 'body' && loc[1] === 'where' ? ['body', key, ...locate(loc.slice(2))] : loc;

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

/** `POST /api/batch/import`: a multipart file whose name without extension (`students.csv`) names the table. */
export function tableImportHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-import'),
    input: { query: bulkImportQuerySchema },
    handle: async ({ query, headers, rawBody, requestId, correlationId, principal }) => {
      requireMultipart(headers['content-type']);
      const file = await readUploadedFile({ contentType: headers['content-type'], body: rawBody?.body, isBase64Encoded: rawBody?.isBase64Encoded ?? false });
      const entity = resolveTable(entities, tableOfFile(file.name), 'import', principal);
      return importUpload(entity, file, query.mode ?? 'create', { requestId, correlationId });
    },
  });
}

/** A raw body has no file name, so nothing would name the table. */
function requireMultipart(contentType: string | undefined): void {
  if (contentType?.split(';')[0]!.trim().toLowerCase() === 'multipart/form-data') return;
  throw new UnsupportedMediaTypeError(
    'import.unsupportedMediaType',
    "Send the file as multipart/form-data in the field 'file'; its name without the extension names the table (students.csv).",
    { contentType: contentType?.split(';')[0]?.trim() || null },
  );
}

const tableOfFile = (name: string) => name.replace(/\.(csv|xlsx)$/i, '');

/** `GET /api/batch/{table}/export`: the v1 export of that table (CSV unless `format=`), same filters. */
export function tableExportHandler() {
  return createHttpHandler({
    declaration: declarationOf('tables-export'),
    input: { path: tablePath, query: anyParams },
    handle: async ({ path, query, requestId, principal }) => {
      const entity = resolveTable(entities, path.table, 'export', principal);
      return exportAnswer(entity, parseOrThrow(exportQuerySchema(entity), query, 'query'), requestId);
    },
  });
}
