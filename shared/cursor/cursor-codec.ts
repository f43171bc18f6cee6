import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { ValidationError } from '../errors/app-error.js';

/** What a list cursor carries: the query it belongs to and where the next page starts. */
export const CursorPayload = z.object({
  /** Entity name: a cursor of one entity is refused by another. */
  e: z.string(),
  /** Canonical query the cursor was issued for (sort, filters, search, page size). */
  q: z.record(z.string(), z.union([z.string(), z.number()])),
  /** DynamoDB key to start after. */
  k: z.record(z.string(), z.string()),
  /** Page number of the page this cursor opens. */
  p: z.int().check(z.minimum(2)),
});
export type CursorPayload = z.infer<typeof CursorPayload>;

/**
 * Opaque, HMAC-SHA256-signed list cursors (`base64url(json).base64url(mac)`). The secret comes
 * from configuration (Secrets Manager in AWS, `.local/` when run locally); a cursor signed
 * with another secret, edited, or issued for another entity is a 422, never a 500.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('cursor secret must have at least 32 characters');
  }

  encode(payload: CursorPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** `loc`: where the cursor came from, for the 422 (`query.cursor` for lists, `body.cursor` for queries). */
  decode(cursor: string, entity: string, loc: CursorLocation = QUERY_CURSOR): CursorPayload {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined || !this.verify(body, mac)) {
      throw invalidCursor('The cursor is malformed or was not issued by this API.', loc);
    }
    let parsed: CursorPayload;
    try {
      parsed = CursorPayload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalidCursor('The cursor is malformed or was not issued by this API.', loc);
    }
    if (parsed.e !== entity) throw invalidCursor(`The cursor belongs to another collection, not ${entity}.`, loc);
    return parsed;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }

  private verify(body: string, mac: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export type CursorLocation = readonly ['query' | 'body', string];
const QUERY_CURSOR: CursorLocation = ['query', 'cursor'];

/** A 422 located at the cursor (the `cursor` query parameter unless told otherwise). */
export function invalidCursor(msg: string, loc: CursorLocation = QUERY_CURSOR): ValidationError {
  return new ValidationError([{ loc: [...loc], msg, type: 'cursor_invalid' }], msg);
}
