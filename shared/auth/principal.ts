import * as z from 'zod/mini';
import { roleSchema } from './role.js';

/**
 * Who is calling, as the authorizer resolved it. Business code reads it (object-level checks,
 * audit fields); it never contains the credential itself.
 */
export const principalSchema = z.object({
  /** Token subject, or the API key id (`ak_…`). */
  sub: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Null when the identity is valid but belongs to no role group: every protected route answers 403. */
  role: z.nullable(roleSchema),
  method: z.enum(['jwt', 'api_key']),
  /** Token id, the handle for revocation (JWTs only). */
  jti: z.optional(z.string().check(z.maxLength(256))),
});

export type Principal = z.infer<typeof principalSchema>;
