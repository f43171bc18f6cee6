import * as z from 'zod/mini';
import { readJsonBody } from './middlewares/parse-request.js';

/**
 * What the original table API's handlers (docs/table-api.md) share: the `{table}` path, any
 * query string (the named table's schema checks it once the table is known), the optional
 * JSON body and where a translated where's 422 locations go.
 */
export type Loc = (string | number)[];

export const tablePath = z.object({ table: z.string() });
export const anyParams = z.record(z.string(), z.string());

/** The JSON body, or `{}` when there is none at all: a DELETE without a where is its 400, not a 422. */
export const jsonOrEmpty = (headers: Record<string, string | undefined>, raw: { body: string | undefined; isBase64Encoded: boolean } | undefined) =>
  raw?.body || headers['content-type'] ? readJsonBody({ body: raw?.body, isBase64Encoded: raw?.isBase64Encoded ?? false, headers }) : {};

/** A v1 where location (`body.where.…`) → the body key the client sent it in, through the shorthand's translation. */
export const whereAt = (key: string, locate: (loc: Loc) => Loc) => (loc: Loc) =>
  loc[0] === 'body' && loc[1] === 'where' ? ['body', key, ...locate(loc.slice(2))] : loc;
