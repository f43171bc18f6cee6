import * as z from 'zod/mini';
import { plainText } from '../entity/plain-text.js';

/** `POST /api/v1/admin/tokens/revoke` body: the token's `jti` and `exp` claims. */
export const tokenRevokeSchema = z
  .strictObject({
    jti: plainText(1, 256).check(z.describe('The token id (jti claim) to revoke')),
    exp: z.int().check(z.positive(), z.describe('The token expiry (exp claim, epoch seconds): the revocation lasts until then')),
  })
  .check(z.meta({ id: 'TokenRevoke' }));

export type TokenRevoke = z.infer<typeof tokenRevokeSchema>;
