/** POST /api/v1/admin/tokens/revoke — 204; the token (by jti) is refused until its exp. */
import { revocationList } from '../../shared/auth/revocation-container.js';
import { tokenRevokeSchema } from '../../shared/auth/revocation.schemas.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-tokens-revoke'),
  input: { body: tokenRevokeSchema },
  handle: async ({ body }) => {
    await revocationList().revoke(body.jti, body.exp);
    return { statusCode: 204 };
  },
});
