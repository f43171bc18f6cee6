import { cacheEntriesRemovedSchema, cacheInvalidateQuerySchema, cacheStatsReportSchema } from '../admin/cache-admin.schemas.js';
import { metricsReportSchema } from '../admin/metrics-report.schemas.js';
import { apiKeyCreatedSchema, apiKeyCreateSchema, apiKeyListSchema } from '../api-keys/api-keys.schemas.js';
import { tokenRevokeSchema } from '../auth/revocation.schemas.js';
import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { flagsEvaluateQuerySchema, flagsEvaluationSchema, flagsListSchema } from '../flags/flags-admin.schemas.js';
import { notificationsListQuerySchema, notificationsListSchema } from '../notifications/notifications-admin.schemas.js';
import type { OperationObject, ParameterObject, ResponseObject } from './openapi-types.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

export type AdminOperationSpec = Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;

const noContent = (description: string): ResponseObject => ({ description, headers: withCommonHeaders() });

/** Bodies and success responses of the admin operations (API keys, token revocation, cache, metrics). */
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
    case 'admin-cache-stats':
      return {
        description:
          'Hits, misses, hit rate, size and evictions of L1 (summed over live containers) and L2 (Redis). ' +
          'Each container adds its counts at most a second late. `{"enabled": false}` when no cache is configured; ' +
          '503 while Redis is down.',
        parameters: [],
        responses: { '200': { description: 'The statistics', headers: withCommonHeaders(), content: json(schemas.schema(cacheStatsReportSchema, 'output')) } },
      };
    case 'admin-cache-clear':
      return {
        description:
          'Drops every cached entry; every container stops serving what it holds in L1 too. ' +
          '`entries_removed` is 0 when no cache is configured; 503 while Redis is down.',
        parameters: [],
        responses: {
          '200': { description: 'Entries removed', headers: withCommonHeaders(), content: json(schemas.schema(cacheEntriesRemovedSchema, 'output')) },
        },
      };
    case 'admin-cache-invalidate':
      return {
        description:
          'Drops the cached entries whose key (after the cache prefix) matches a Redis glob: `students:*` drops ' +
          'everything cached for students. An empty or missing pattern is refused (422; use /cache/clear for everything).',
        parameters: queryParameters(cacheInvalidateQuerySchema, schemas),
        responses: {
          '200': { description: 'Entries removed', headers: withCommonHeaders(), content: json(schemas.schema(cacheEntriesRemovedSchema, 'output')) },
        },
      };
    case 'admin-metrics':
      return {
        description:
          'Per route key: requests, 4xx and 5xx answers, and latency p50/p95/p99 as the upper bound of the ' +
          'histogram bucket (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000 ms) the percentile ' +
          'falls in, over every container since `since` (each container adds its counts at most a second or 50 ' +
          'requests late). Also the cache statistics, and `imports`, all 0 until bulk import exists. Without ' +
          'REDIS_URL nothing is recorded (`enabled: false`); 503 while Redis is down.',
        parameters: [],
        responses: { '200': { description: 'The metrics', headers: withCommonHeaders(), content: json(schemas.schema(metricsReportSchema, 'output')) } },
      };
    case 'admin-flags-list':
      return {
        description:
          'Every declared feature flag (name, description, type, default) with the live rules in use and where they ' +
          'came from (AppConfig in AWS, the local flags file in `npm start`). `rules: null`: no live rules, the declared ' +
          'default applies. `error` says why the latest read of the rules was not used (the last good rules stay).',
        parameters: [],
        responses: { '200': { description: 'The flags', headers: withCommonHeaders(), content: json(schemas.schema(flagsListSchema, 'output')) } },
      };
    case 'admin-notifications-list':
      return {
        description:
          'The newest notifications (every channel) of the local outbox that `npm start` writes under `.local/notifications/`, ' +
          'newest first, optionally for one channel or order. `{"enabled": false}` where there is no local outbox (AWS: ' +
          'notifications leave through SES/SNS).',
        parameters: queryParameters(notificationsListQuerySchema, schemas),
        responses: {
          '200': { description: 'The notifications', headers: withCommonHeaders(), content: json(schemas.schema(notificationsListSchema, 'output')) },
        },
      };
    case 'flags-evaluate':
      return {
        description:
          'What every declared flag answers for one user id (and optionally role), with the reason: ' +
          '`disabled`, `deny`, `allow`, `role`, `rollout`, `global`, `not_targeted` or `default` (no live rules).',
        parameters: queryParameters(flagsEvaluateQuerySchema, schemas),
        responses: { '200': { description: 'The evaluation', headers: withCommonHeaders(), content: json(schemas.schema(flagsEvaluationSchema, 'output')) } },
      };
    default:
      throw new Error(`openapi: no spec for admin function ${fn.id}`);
  }
}

/** One query parameter per property of `query`, in declaration order. */
function queryParameters(query: Parameters<SchemaComponents['inline']>[0], schemas: SchemaComponents): ParameterObject[] {
  const converted = schemas.inline(query, 'input');
  const required = new Set(converted.required ?? []);
  return Object.entries(converted.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}
