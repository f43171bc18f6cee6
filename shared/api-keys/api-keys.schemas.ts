import * as z from 'zod/mini';
import { isKeyId } from '../auth/api-key-format.js';
import { roleSchema } from '../auth/role.js';
import { plainText } from '../entity/plain-text.js';

/** `POST /api/v1/admin/api-keys` body. */
export const apiKeyCreateSchema = z
  .strictObject({
    name: plainText(1, 100).check(z.describe('What the key is for, e.g. the calling system')),
    role: roleSchema.check(z.describe('Role the key acts with: viewer, staff or admin')),
  })
  .check(z.meta({ id: 'ApiKeyCreate' }));

const keyId = z.string().check(z.refine(isKeyId, 'Must be an API key id (ak_ followed by 16 letters or digits)'));

/** What anyone may see of a key: never its secret or hash. */
export const apiKeyViewSchema = z
  .object({
    key_id: z.string().check(z.describe('Public id of the key; the part of X-API-Key before the dot')),
    name: z.string(),
    role: roleSchema,
    created_at: z.iso.datetime(),
    created_by: z.string().check(z.describe('Subject of the admin who created it')),
  })
  .check(z.meta({ id: 'ApiKey' }));

/** The create answer: the only time the full key is ever shown. */
export const apiKeyCreatedSchema = z
  .object({
    ...apiKeyViewSchema.shape,
    api_key: z.string().check(z.describe('Send as X-API-Key. Shown once: only a salted hash is stored.')),
  })
  .check(z.meta({ id: 'ApiKeyCreated' }));

export const apiKeyListSchema = z.object({ items: z.array(apiKeyViewSchema) }).check(z.meta({ id: 'ApiKeyList' }));

export const keyIdPathSchema = z.object({ key_id: keyId });

export type ApiKeyCreate = z.infer<typeof apiKeyCreateSchema>;
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;
export type ApiKeyCreated = z.infer<typeof apiKeyCreatedSchema>;
