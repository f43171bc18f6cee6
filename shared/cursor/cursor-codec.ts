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

  decode(cursor: string, entity: string): CursorPayload {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined || !this.verify(body, mac)) {
      throw invalidCursor('The cursor is malformed or was not issued by this API.');
    }
    let parsed: CursorPayload;
    try {
      parsed = CursorPayload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalidCursor('The cursor is malformed or was not issued by this API.');
    }
    if (parsed.e !== entity) throw invalidCursor(`The cursor belongs to another collection, not ${entity}.`);
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

/** A 422 located at the `cursor` query parameter. */
export function invalidCursor(msg: string): ValidationError {
  return new ValidationError([{ loc: ['query', 'cursor'], msg, type: 'cursor_invalid' }], msg);
}
