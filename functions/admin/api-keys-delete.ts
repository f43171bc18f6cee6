/** DELETE /api/v1/admin/api-keys/{key_id} — 204; the key stops working at once; 404 if unknown. */
import { apiKeysService } from '../../shared/api-keys/api-keys-container.js';
import { keyIdPathSchema } from '../../shared/api-keys/api-keys.schemas.js';
import { revocationList } from '../../shared/auth/revocation-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-api-keys-delete'),
  input: { path: keyIdPathSchema },
  handle: async ({ path }) => {
    await apiKeysService({ revocations: revocationList() }).revoke(path.key_id);
    return { statusCode: 204 };
  },
});
