import { apiKeyCreatedSchema, apiKeyCreateSchema, apiKeyListSchema } from '../api-keys/api-keys.schemas.js';
import { tokenRevokeSchema } from '../auth/revocation.schemas.js';
import type { FunctionDeclaration } from '../entity/entity-functions.js';
import type { OperationObject, ResponseObject } from './openapi-types.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

export type AdminOperationSpec = Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;

const noContent = (description: string): ResponseObject => ({ description, headers: withCommonHeaders() });

/** Bodies and success responses of the admin operations (API keys, token revocation). */
export function adminOperationSpec(fn: FunctionDeclaration, schemas: SchemaComponents): AdminOperationSpec {
  const json = (schema: ReturnType<SchemaComponents['schema']>) => ({ 'application/json': { schema } });
  switch (fn.id) {
    case 'admin-api-keys-create':
      return {
        description:
          'Creates an API key acting with the given role. The answer is the only time the full key ' +
          '(`api_key`, sent as `X-API-Key`) is shown: only a salted hash of its secret is stored.',
        parameters: [],
        requestBody: { required: true, content: json(schemas.schema(apiKeyCreateSchema, 'input')) },
        responses: {
          '201': {
            description: 'The new key, with its secret',
            headers: withCommonHeaders({ Location: responseHeaders.location }),
            content: json(schemas.schema(apiKeyCreatedSchema, 'output')),
          },
        },
      };
    case 'admin-api-keys-list':
      return {
        description: 'Every API key, oldest first, without secrets or hashes.',
        parameters: [],
        responses: { '200': { description: 'The keys', headers: withCommonHeaders(), content: json(schemas.schema(apiKeyListSchema, 'output')) } },
      };
    case 'admin-api-keys-delete':
      return {
        description: 'Deletes an API key; requests with it are refused from then on, also by warm authorizers.',
        parameters: [],
        responses: { '204': noContent('Deleted') },
      };
    case 'admin-tokens-revoke':
      return {
        description:
          'Refuses a token (by its `jti`) until its `exp`, including tokens already verified and cached ' +
          'by warm authorizers. The list lives in Redis; while Redis is down this answers 503.',
        parameters: [],
        requestBody: { required: true, content: json(schemas.schema(tokenRevokeSchema, 'input')) },
        responses: { '204': noContent('Revoked') },
      };
    default:
      throw new Error(`openapi: no spec for admin function ${fn.id}`);
  }
}
