import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { healthReportSchema } from './health-report-schema.js';
import type { OperationObject } from './openapi-types.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

export type SystemOperationSpec = Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;

/**
 * Success responses of the routes that belong to no entity. A system function missing here
 * is documented as answering JSON, so a new one never breaks the document.
 */
export function systemOperationSpec(fn: FunctionDeclaration, schemas: SchemaComponents): SystemOperationSpec {
  const cached = withCommonHeaders({ 'Cache-Control': responseHeaders.cacheControl });
  switch (fn.id) {
    case 'system-health': {
      const report = { 'application/json': { schema: schemas.named('HealthReport', healthReportSchema, 'output') } };
      return {
        description: 'Probes every dependency with a short deadline. Not cached.',
        parameters: [],
        responses: {
          '200': { description: 'Every dependency answered', headers: withCommonHeaders(), content: report },
          '503': {
            description: 'A dependency did not answer; the body names it',
            headers: withCommonHeaders({ 'Retry-After': responseHeaders.retryAfter }),
            content: report,
          },
        },
      };
    }
    case 'system-openapi':
      return {
        description: 'This document: OpenAPI 3.1 generated from the entity declarations and their zod schemas.',
        parameters: [],
        responses: {
          '200': { description: 'The OpenAPI document', headers: cached, content: { 'application/json': { schema: { type: 'object' } } } },
        },
      };
    case 'system-docs':
      return {
        description: 'A self-contained HTML rendering of this document.',
        parameters: [],
        responses: {
          '200': { description: 'The documentation page', headers: cached, content: { 'text/html': { schema: { type: 'string' } } } },
        },
      };
    default:
      return {
        description: fn.description,
        parameters: [],
        responses: { '200': { description: 'OK', headers: withCommonHeaders(), content: { 'application/json': { schema: {} } } } },
      };
  }
}
