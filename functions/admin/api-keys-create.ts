/** POST /api/v1/admin/api-keys — 201 with the new key; its secret is shown this once. */
import { apiKeysService } from '../../shared/api-keys/api-keys-container.js';
import { apiKeyCreateSchema } from '../../shared/api-keys/api-keys.schemas.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-api-keys-create'),
  input: { body: apiKeyCreateSchema },
  handle: async ({ body, principal }) => {
    const created = await apiKeysService().create(body, principal!.sub);
    return { statusCode: 201, body: created, headers: { location: `/api/v1/admin/api-keys/${created.key_id}` } };
  },
});
