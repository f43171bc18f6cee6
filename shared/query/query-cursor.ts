import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { type CursorCodec, type CursorLocation, invalidCursor } from '../cursor/cursor-codec.js';
import type { QueryPosition } from './query-executor.js';
import type { QueryPlan, QuerySort } from './query-plan.js';
import type { Where } from './where.js';

const BODY_CURSOR: CursorLocation = ['body', 'cursor'];

const Position = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('Scan'),
    segments: z.array(z.union([z.null(), z.literal(false), z.record(z.string(), z.string())])).check(z.minLength(1), z.maxLength(64)),
  }),
  z.object({ kind: z.literal('Index'), after: z.string() }),
  z.object({ kind: z.literal('BatchGet'), offset: z.int().check(z.minimum(1)) }),
]);

/**
 * What a query cursor is bound to: the parsed where and the sort (not `limit` or `fields`,
 * which may change from page to page). A hash keeps the cursor short whatever the where's size.
 */
export function queryFingerprint(where: Where, sort: QuerySort | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify({ where, sort: sort ?? null }))
    .digest('base64url')
    .slice(0, 22);
}

/** A signed cursor (the list's codec) opening page `page` of the query at `position`. */
export function encodeQueryCursor(codec: CursorCodec, entity: string, fingerprint: string, position: QueryPosition, page: number): string {
  return codec.encode({ e: entity, q: { h: fingerprint }, k: { position: JSON.stringify(position) }, p: page });
}

/**
 * The position and page number of a cursor, checked against the query it is sent with: a
 * cursor that is forged, edited, of another entity, of another where/sort or of a plan this
 * query no longer uses is a 422 at `body.cursor`, never a 500.
 */
export function decodeQueryCursor(
  codec: CursorCodec,
  entity: string,
  cursor: string,
  fingerprint: string,
  plan: QueryPlan,
): { position: QueryPosition; page: number } {
  const payload = codec.decode(cursor, entity, BODY_CURSOR);
  if (payload.q.h !== fingerprint) {
    throw invalidCursor('The cursor was issued for a different where or sort; send it with the query it came from.', BODY_CURSOR);
  }
  let position: QueryPosition;
  try {
    position = Position.parse(JSON.parse(payload.k.position ?? '')) as QueryPosition;
  } catch {
    throw invalidCursor('The cursor is malformed or was not issued by this API.', BODY_CURSOR);
  }
  const fits = position.kind === plan.kind && (plan.kind !== 'Scan' || (position.kind === 'Scan' && position.segments.length === plan.segments));
  if (!fits) throw invalidCursor('The cursor belongs to an earlier plan of this query; start again without a cursor.', BODY_CURSOR);
  return { position, page: payload.p };
}
