import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { EntityAlreadyExistsError, UnknownEntityError } from '../entity/entity.errors.js';
import type { FunctionDeclaration, RouteDeclaration } from '../entity/entity-functions.js';
import { BadRequestError, DependencyUnavailableError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors/app-error.js';
import { EXPORT_FORMAT_NAMES } from '../export/export-format-names.js';
import { MAX_BODY_BYTES } from '../http/middlewares/parse-request.js';
import { toErrorDetails } from '../http/zod-issues.js';
import { DIRECT_UPLOAD_MAX_BYTES } from '../import/direct/upload-body.js';
import { ImportLimitError } from '../import/import.errors.js';
import { bulkResultSchema } from '../query/bulk-body.js';
import { tableDeleteBodySchema, tableInsertBodySchema, tableQueryBodySchema, tableUpdateBodySchema } from '../table-api/table-api-bodies.js';
import { isTableApiFunction, TABLE_API_ROUTES, type TableOperation, tablePermission } from '../table-api/table-api-functions.js';
import type { JsonSchema, ParameterObject } from './openapi-types.js';
import { queryPageSchema } from './page-schema.js';
import type { CustomOperation } from './product-operation-spec.js';
import { commonProblems, type ProblemSample, render } from './problem-samples.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

const OPERATIONS: Record<string, TableOperation> = {
  [`POST ${TABLE_API_ROUTES.table}`]: 'insert',
  [`PUT ${TABLE_API_ROUTES.table}`]: 'update',
  [`DELETE ${TABLE_API_ROUTES.table}`]: 'delete',
  [`GET ${TABLE_API_ROUTES.query}`]: 'query',
  [`POST ${TABLE_API_ROUTES.query}`]: 'query',
  [`POST ${TABLE_API_ROUTES.import}`]: 'import',
  [`GET ${TABLE_API_ROUTES.export}`]: 'export',
};

const FILTERS_PARAMETER: ParameterObject = {
  name: 'filters',
  in: 'query',
  required: false,
  style: 'form',
  explode: true,
  description:
    'Any number of `field=value` (exact match, typed by the field: `math_score=8` is a number) and `field[op]=value` ' +
    '(`math_score[gte]=8`; eq, ne, lt, lte, gt, gte, begins_with, contains; `in` and `between` take comma-separated values, `exists` true/false); all must match.',
  schema: { type: 'object', additionalProperties: { type: 'string' } },
};

/**
 * The original table API's routes (functions/tables/*), documented from the per-table schemas
 * the handlers validate with: a body is one of the tables' bodies (`oneOf`), the `table` path
 * parameter lists the tables that have the operation. Undefined for any other route.
 */
export function tableApiOperationSpec(
  entities: readonly Entity[],
  fn: FunctionDeclaration,
  route: RouteDeclaration,
  schemas: SchemaComponents,
): CustomOperation | undefined {
  const operation = isTableApiFunction(fn.id) ? OPERATIONS[`${route.method} ${route.path}`] : undefined;
  if (!operation) return undefined;
  const tables = entities.filter((entity) => tablePermission(entity, operation) !== undefined);
  const oneOf = (schemaOf: (entity: Entity) => z.core.$ZodType, io: 'input' | 'output'): JsonSchema => ({
    oneOf: tables.map((entity) => schemas.schema(schemaOf(entity), io)),
  });
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
  const body = (schemaOf: (entity: Entity) => z.core.$ZodType, required = true) => ({ required, content: json(oneOf(schemaOf, 'input')) });
  const table: ParameterObject = {
    name: 'table',
    in: 'path',
    required: true,
    description: 'A registered table (entity) name; anything else is 404 entity.notFound',
    schema: { type: 'string', enum: tables.map((entity) => entity.name) },
  };
  const planned = withCommonHeaders({ 'X-Query-Plan': responseHeaders.queryPlan });
  const problems = (extra: ProblemSample[]) => [...extra, unknownTable(tables, route.path), ...dependencyProblems(route.path)];
  const sample = (error: unknown, description: string) => render(error, description, route.path);
  const jsonBody = jsonBodyProblems(route.path);
  const whereRequired = sample(
    new BadRequestError('bulk.whereRequired', 'A bulk operation needs a non-empty where; to change every student, say so: {"student_id":{"exists":true}}.'),
    'The where is missing or empty: an update or delete never means "every row" by omission.',
  );
  const invalid = (entity: Entity, schema: z.core.$ZodType, value: unknown) =>
    sample(validationOf(entity, schema, value), 'A value in the body or query string is invalid; `errors` locates each one where it was sent.');
  const first = tables[0]!;
  switch (operation) {
    case 'insert':
      return {
        spec: {
          description:
            'Inserts the row `input` into the table: the v1 create (`POST /api/v1/{table}`), same validation, 201 with Location (the v1 item) and ETag.',
          parameters: [table],
          requestBody: body(tableInsertBodySchema),
          responses: {
            '201': {
              description: 'The inserted row',
              headers: withCommonHeaders({ Location: responseHeaders.location, ETag: responseHeaders.etag }),
              content: json(oneOf((entity) => entity.responseSchema, 'output')),
            },
          },
        },
        problems: problems([
          ...jsonBody,
          invalid(first, tableInsertBodySchema(first), { input: {} }),
          sample(new EntityAlreadyExistsError(first.singular, 'ABC123'), 'A row with this key exists.'),
        ]),
      };
    case 'query': {
      const page = {
        description: 'One page of the matching rows; send `cursor` with the same where and sort for the next',
        headers: planned,
        content: json({
          oneOf: tables.map((entity) => schemas.named(`${z.globalRegistry.get(entity.responseSchema)?.id}QueryPage`, queryPageSchema(entity), 'output')),
        }),
      };
      const common =
        'The rows a where matches, one page at a time, through the v1 query planner (`X-Query-Plan`): read budget, signed cursors and `fields` as in `POST /api/v1/{table}/query`.';
      if (route.method === 'GET') {
        const paging: ParameterObject[] = [
          { name: 'sort', in: 'query', required: false, description: "A declared sort of the table, '-' for descending", schema: { type: 'string' } },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'Rows per page (default 20, at most 100)',
            schema: { type: 'integer', minimum: 1, maximum: 100 },
          },
          { name: 'cursor', in: 'query', required: false, description: 'The `cursor` of the previous page', schema: { type: 'string' } },
          { name: 'fields', in: 'query', required: false, description: 'Comma-separated fields to return (the key always is)', schema: { type: 'string' } },
        ];
        return {
          spec: {
            description: `${common} The where comes from the query string.`,
            parameters: [table, ...paging, FILTERS_PARAMETER],
            responses: { '200': page },
          },
          problems: problems([invalid(first, tableQueryBodySchema(first), { limit: 0 })]),
        };
      }
      return {
        spec: {
          description: `${common} \`input\` is the where: \`{field: value}\` shorthand or a v1 where.`,
          parameters: [table],
          requestBody: body(tableQueryBodySchema, false),
          responses: { '200': page },
        },
        problems: problems([...jsonBody, invalid(first, tableQueryBodySchema(first), { limit: 0 })]),
      };
    }
    case 'update':
    case 'delete': {
      const v1 = operation === 'update' ? 'bulk-update' : 'bulk-delete';
      const schemaOf = operation === 'update' ? tableUpdateBodySchema : tableDeleteBodySchema;
      const where = operation === 'update' ? '`where`' : '`input` (the where)';
      return {
        spec: {
          description:
            `${operation === 'update' ? 'Sets the fields of `input` on' : 'Deletes'} every row ${where} matches, through the v1 \`POST /api/v1/{table}/${v1}\`: ` +
            `the where is required (absent or empty → 400 \`bulk.whereRequired\`), each row is written conditionally, at most 1,000 per call with a \`cursor\` to continue; \`dry_run\` only counts.`,
          parameters: [table],
          requestBody: body(schemaOf, operation === 'update'),
          responses: {
            '200': {
              description: 'What this call did; continue with `cursor`',
              headers: planned,
              content: json(schemas.schema(bulkResultSchema(operation), 'output')),
            },
          },
        },
        problems: problems([
          ...jsonBody,
          whereRequired,
          ...(operation === 'update'
            ? [invalid(first, tableUpdateBodySchema(first), { input: { [first.idField]: 'X' }, where: { [first.idField]: 'X' } })]
            : []),
        ]),
      };
    }
    case 'import':
      return {
        spec: {
          description:
            `Imports a CSV or XLSX file (multipart field \`file\`, at most ${DIRECT_UPLOAD_MAX_BYTES / 1024 / 1024} MB) into the table its file name names without the extension ` +
            '(`students.csv` → students): the v1 direct import (`POST /api/v1/{table}/bulk-import`), recorded as an import job (Location). `mode=upsert` updates existing rows.',
          parameters: [
            {
              name: 'mode',
              in: 'query',
              required: false,
              description: 'create (default): existing keys are row errors; upsert: they are updated',
              schema: { type: 'string', enum: ['create', 'upsert'] },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', contentMediaType: 'text/csv', description: 'The file, named <table>.csv or <table>.xlsx' } },
                },
              },
            },
          },
          responses: {
            '200': { description: 'The import summary', headers: withCommonHeaders({ Location: responseHeaders.location }), content: json({ type: 'object' }) },
          },
        },
        problems: problems([
          sample(
            new UnsupportedMediaTypeError(
              'import.unsupportedMediaType',
              "Send the file as multipart/form-data in the field 'file'; its name without the extension names the table (students.csv).",
            ),
            'The body is not a multipart form.',
          ),
          sample(
            new ImportLimitError(
              'bytes',
              'The file is over the 5 MB limit of a direct upload; upload bigger files with POST /api/v1/imports (presigned upload).',
            ),
            'The file is over the direct upload limit.',
          ),
        ]),
      };
    case 'export':
      return {
        spec: {
          description:
            "The table as CSV (or `format=` xlsx/xml), the v1 export (`GET /api/v1/{table}/export`) with the list's filters, search and sort: " +
            'rows are read page by page and streamed into the file; up to the inline limit it is the answer, beyond it 303 to a presigned download.',
          parameters: [
            table,
            {
              name: 'format',
              in: 'query',
              required: false,
              description: 'csv (default), xlsx (also excel) or xml',
              schema: { type: 'string', enum: [...EXPORT_FORMAT_NAMES, 'excel'] },
            },
            FILTERS_PARAMETER,
          ],
          responses: {
            '200': { description: 'The file, as an attachment', headers: withCommonHeaders(), content: { 'text/csv': { schema: { type: 'string' } } } },
            '303': {
              description: 'Too large to answer inline: Location is a presigned download link',
              headers: withCommonHeaders({ Location: responseHeaders.location }),
              content: json({ type: 'object' }),
            },
          },
        },
        problems: problems([invalid(first, z.object({ format: z.optional(z.enum(EXPORT_FORMAT_NAMES)) }), { format: 'pdf' })]),
      };
  }
}

function unknownTable(tables: readonly Entity[], instance: string): ProblemSample {
  return render(
    new UnknownEntityError(
      'teachers',
      tables.map((entity) => entity.name),
    ),
    'The path or file names no registered table (that has this operation).',
    instance,
  );
}

function jsonBodyProblems(instance: string): ProblemSample[] {
  return [
    render(new BadRequestError('request.malformedJson', 'The body is not valid JSON: Unexpected end of JSON input'), 'The body is not valid JSON.', instance),
    render(new PayloadTooLargeError('request.tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`), `The body exceeds ${MAX_BODY_BYTES} bytes.`, instance),
    render(new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.'), 'The body is not JSON.', instance),
  ];
}

function dependencyProblems(instance: string): ProblemSample[] {
  return [
    render(new DependencyUnavailableError('DynamoDB', 1), 'A dependency is throttling or down; retry after Retry-After seconds.', instance),
    ...commonProblems(instance),
  ];
}

function validationOf(entity: Entity, schema: z.core.$ZodType, value: unknown): ValidationError {
  const result = z.safeParse(schema, value);
  if (result.success) throw new Error(`openapi: example ${JSON.stringify(value)} unexpectedly passes validation`);
  return new ValidationError(toErrorDetails(result.error.issues, 'body', { immutable: [entity.idField], readOnly: entity.readOnlyFields }));
}
