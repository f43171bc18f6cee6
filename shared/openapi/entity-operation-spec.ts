import * as z from 'zod/mini';
import type { Entity, EntityOperation } from '../entity/define-entity.js';
import { listQuerySchema } from '../entity/list-query.js';
import type { OperationObject, ParameterObject, ResponseObject } from './openapi-types.js';
import { queryBodySchema } from '../query/query-body.js';
import { pageSchema, queryPageSchema } from './page-schema.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

/** What an entity operation adds to the common operation fields. */
export type EntityOperationSpec = Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;

const JSON_MEDIA = 'application/json';

/** Description, query/header parameters, body and success responses of one CRUD operation. */
export function entityOperationSpec(entity: Entity, operation: EntityOperation, schemas: SchemaComponents): EntityOperationSpec {
  const view = schemas.schema(entity.responseSchema, 'output');
  const json = (schema = view) => ({ [JSON_MEDIA]: { schema } });
  const ok = (description: string): ResponseObject => ({
    description,
    headers: withCommonHeaders({ ETag: responseHeaders.etag }),
    content: json(),
  });
  const body = (schema: z.core.$ZodType) => ({ required: true, content: json(schemas.schema(schema, 'input')) });
  const ifMatch: ParameterObject = {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: `ETag of the ${entity.singular} as last read ("<version>"), or *. A stale or foreign tag is refused with 412.`,
    schema: { type: 'string' },
  };
  const sorts = Object.keys(entity.list.sorts).join(', ');

  switch (operation) {
    case 'create':
      return {
        description: `Creates a ${entity.singular}; \`${entity.idField}\` must be unique. Optional fields that are left out are stored as null.`,
        parameters: [],
        requestBody: body(entity.createSchema),
        responses: {
          '201': {
            description: `The created ${entity.singular}`,
            headers: withCommonHeaders({ Location: responseHeaders.location, ETag: responseHeaders.etag }),
            content: json(),
          },
        },
      };
    case 'get':
      return {
        description: `Reads one ${entity.singular} with its derived fields. The ETag is its version.`,
        parameters: [],
        responses: { '200': ok(`The ${entity.singular}`) },
      };
    case 'list': {
      const page = schemas.named(`${schemaName(entity.responseSchema)}Page`, pageSchema(entity), 'output');
      return {
        description:
          `Pages through ${entity.name}: \`page\` and \`page_size\`, or the faster opaque \`cursor\` from \`next_cursor\` (not both). ` +
          `\`search\` matches part of ${entity.list.searchFields.join(', ')}; sortable by ${sorts}.`,
        parameters: queryParameters(entity, schemas),
        responses: { '200': { description: `One page of ${entity.name}`, headers: withCommonHeaders(), content: json(page) } },
      };
    }
    case 'query': {
      const found = schemas.named(`${schemaName(entity.responseSchema)}QueryPage`, queryPageSchema(entity), 'output');
      return {
        description:
          `Answers a \`where\` over ${entity.name} one page at a time. The planner picks a GetItem (\`${entity.idField}\` eq), a BatchGetItem ` +
          `(\`${entity.idField}\` in), a Query of the sorted index (\`sort\` given, or eq on a filter field: ${Object.keys(entity.list.filters).join(', ') || 'none'}) ` +
          'or a parallel Scan; the `X-Query-Plan` header names it. A page that reaches the read budget before it is full is answered ' +
          'short, with a cursor. Send the same where and sort with `cursor` for the next page; `cursor` is null after the last.',
        parameters: [],
        requestBody: body(queryBodySchema(entity)),
        responses: {
          '200': {
            description: `One page of matching ${entity.name}`,
            headers: withCommonHeaders({ 'X-Query-Plan': responseHeaders.queryPlan }),
            content: json(found),
          },
        },
      };
    }
    case 'update':
      return {
        description:
          `Changes only the fields sent (PUT and PATCH behave alike); \`${entity.idField}\` cannot be changed. ` +
          'Send If-Match with the ETag of your last read so that a concurrent change is refused instead of overwritten.',
        parameters: [ifMatch],
        requestBody: body(entity.updateSchema),
        responses: { '200': ok(`The updated ${entity.singular}`) },
      };
    case 'delete':
      return {
        description: `Deletes a ${entity.singular}; with If-Match only while it is still at that version.`,
        parameters: [ifMatch],
        responses: { '204': { description: 'Deleted', headers: withCommonHeaders() } },
      };
  }
}

/** One query parameter per property of the list query schema, in declaration order. */
function queryParameters(entity: Entity, schemas: SchemaComponents): ParameterObject[] {
  const query = schemas.inline(listQuerySchema(entity), 'input');
  const required = new Set(query.required ?? []);
  return Object.entries(query.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function schemaName(schema: z.core.$ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('openapi: entity response schemas need a meta id');
  return id;
}
