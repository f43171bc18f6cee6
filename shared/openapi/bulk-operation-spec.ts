import * as z from 'zod/mini';
import { invalidCursor } from '../cursor/cursor-codec.js';
import type { Entity } from '../entity/define-entity.js';
import { bulkRoutes } from '../entity/bulk-functions.js';
import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { BadRequestError, DependencyUnavailableError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors/app-error.js';
import { MAX_BODY_BYTES } from '../http/middlewares/parse-request.js';
import { toErrorDetails } from '../http/zod-issues.js';
import { type BulkOperation, bulkBodySchema, bulkResultSchema, MAX_BULK_ITEMS } from '../query/bulk-body.js';
import type { CustomOperation } from './product-operation-spec.js';
import { commonProblems, type ProblemSample, render } from './problem-samples.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

/**
 * The bulk update and bulk delete routes of an entity (functions/<entity>/bulk.ts), documented
 * from the schemas the handler validates with; undefined for any other route.
 */
export function bulkOperationSpec(entities: readonly Entity[], fn: FunctionDeclaration, path: string, schemas: SchemaComponents): CustomOperation | undefined {
  const entity = entities.find((candidate) => fn.id === `${candidate.name}-bulk`);
  if (!entity) return undefined;
  const operation: BulkOperation = path === bulkRoutes(entity).delete ? 'delete' : 'update';
  const json = (schema: z.core.$ZodType, io: 'input' | 'output') => ({ 'application/json': { schema: schemas.schema(schema, io) } });
  const verb = operation === 'update' ? 'Sets the fields of `set` on' : 'Deletes';
  return {
    spec: {
      description:
        `${verb} every ${entity.singular} the required \`where\` matches. The matches are read through the query planner ` +
        '(`X-Query-Plan`), page by page within the read budget, and each is written conditionally on the version read: a ' +
        'concurrent edit is not overwritten (the item is read again and written only if it still matches). Counters, versions ' +
        `and the cache stay right. A call handles at most ${MAX_BULK_ITEMS} matches (\`limit\`), stops early when its read or ` +
        'time budget runs short, and answers a `cursor`: send the same body with it to continue; `cursor: null` means done. ' +
        'Items that kept losing races are listed in `failed` (`<entity>.writeConflict`) and retried by repeating the call. ' +
        'Repeating a call is harmless. `dry_run` counts the matches and writes nothing.',
      parameters: [],
      requestBody: { required: true, content: json(bulkBodySchema(entity, operation), 'input') },
      responses: {
        '200': {
          description: `What this call did; continue with \`cursor\``,
          headers: withCommonHeaders({ 'X-Query-Plan': responseHeaders.queryPlan }),
          content: json(bulkResultSchema(operation), 'output'),
        },
      },
    },
    problems: bulkProblems(entity, operation, path),
  };
}

function bulkProblems(entity: Entity, operation: BulkOperation, instance: string): ProblemSample[] {
  const sample = (error: unknown, description: string) => render(error, description, instance);
  const where = new BadRequestError(
    'bulk.whereRequired',
    `A bulk operation needs a non-empty where; to change every ${entity.singular}, say so: {"${entity.idField}":{"exists":true}}.`,
  );
  const badSet = z.safeParse(bulkBodySchema(entity, 'update'), { where: { [entity.idField]: { exists: true } }, set: { [entity.idField]: 'X' } });
  return [
    sample(new BadRequestError('request.malformedJson', 'The body is not valid JSON: Unexpected end of JSON input'), 'The body is not valid JSON.'),
    sample(new PayloadTooLargeError('request.tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`), `The body exceeds ${MAX_BODY_BYTES} bytes.`),
    sample(new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.'), 'The body is not JSON.'),
    sample(where, 'The where is missing or empty: a bulk operation never means "everything" by omission.'),
    ...(operation === 'update' && !badSet.success
      ? [
          sample(
            new ValidationError(toErrorDetails(badSet.error.issues, 'body', { immutable: [entity.idField], readOnly: entity.readOnlyFields })),
            '`set` names the key, a read-only or unknown field, or a value of the wrong type.',
          ),
        ]
      : []),
    sample(
      invalidCursor('The cursor was issued for a different where or sort; send it with the query it came from.', ['body', 'cursor']),
      'The cursor is forged, edited, or belongs to another operation.',
    ),
    sample(new DependencyUnavailableError('DynamoDB', 1), 'A dependency is throttling or down; retry the same call after Retry-After seconds (it is safe).'),
    ...commonProblems(instance),
  ];
}
