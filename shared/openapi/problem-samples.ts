import * as z from 'zod/mini';
import { cacheInvalidateQuerySchema } from '../admin/cache-admin.schemas.js';
import { ApiKeyNotFoundError } from '../api-keys/api-keys.errors.js';
import { apiKeyCreateSchema, keyIdPathSchema } from '../api-keys/api-keys.schemas.js';
import { CredentialsMissingError, CredentialsRejectedError, InsufficientRoleError } from '../auth/auth.errors.js';
import { tokenRevokeSchema } from '../auth/revocation.schemas.js';
import type { Entity, EntityOperation, Permission } from '../entity/define-entity.js';
import { EntityAlreadyExistsError, EntityNotFoundError, EntityVersionMismatchError, EntityWriteConflictError } from '../entity/entity.errors.js';
import { invalidCursor } from '../cursor/cursor-codec.js';
import { listQuerySchema } from '../entity/list-query.js';
import { queryBodySchema } from '../query/query-body.js';
import { parseWhere } from '../query/where.js';
import {
  BadRequestError,
  DependencyUnavailableError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors/app-error.js';
import { MAX_BODY_BYTES } from '../http/middlewares/parse-request.js';
import { toProblem } from '../http/problem.js';
import { toErrorDetails } from '../http/zod-issues.js';
import { MAX_STOCK, products } from '../products/products.entity.js';
import { InsufficientStockError, StockLimitError } from '../products/products.errors.js';
import { stockChangeSchema } from '../products/products.schemas.js';

/** One problem an operation can answer with, rendered by the real `toProblem`. */
export interface ProblemSample {
  code: string;
  status: number;
  title: string;
  type: string;
  /** When a client gets it. */
  description: string;
  example: Record<string, unknown>;
  /** Carries a Retry-After header. */
  retryAfter: boolean;
  /** Carries a WWW-Authenticate header. */
  challenge: boolean;
}

const EXAMPLE_ID = 'ABC123';
const EXAMPLE_REQUEST = { requestId: '3f6c2a1e-8b7d-4c55-9e0a-1b2c3d4e5f60', now: new Date('2025-01-01T12:00:00.000Z') };

/**
 * Problems of one entity operation. Statuses, titles and bodies come from the one mapping in
 * `shared/http/problem.ts`, and 422 examples from the operation's own zod schemas, so the
 * documentation cannot promise a status the code does not send.
 */
export function entityProblems(entity: Entity, operation: EntityOperation): ProblemSample[] {
  const onCollection = operation === 'create' || operation === 'list';
  const instance =
    operation === 'query' ? `${entity.routes.collection}/query` : onCollection ? entity.routes.collection : `${entity.routes.collection}/${EXAMPLE_ID}`;
  const sample = (error: unknown, description: string) => render(error, description, instance);
  const invalid = (error: ValidationError) => sample(error, 'Path, query or body values are invalid; `errors` lists each one.');
  // The codes below are the ones parse-request.ts throws; they are not exported constants.
  const body = [
    sample(new BadRequestError('request.malformedJson', 'The body is not valid JSON: Unexpected end of JSON input'), 'The body is not valid JSON.'),
    sample(new PayloadTooLargeError('request.tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`), `The body exceeds ${MAX_BODY_BYTES} bytes.`),
    sample(new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.'), 'The body is not JSON.'),
  ];
  const notFound = sample(new EntityNotFoundError(entity.singular, EXAMPLE_ID), `No ${entity.singular} has this ${entity.idField}.`);
  const stale = sample(
    new EntityVersionMismatchError(entity.singular, EXAMPLE_ID, [3], 4),
    'If-Match names a version that is no longer current; read the resource again and retry.',
  );
  const contended = sample(
    new EntityWriteConflictError(entity.singular, EXAMPLE_ID, 5),
    'Other requests kept changing the resource while this one retried; retry shortly.',
  );
  const byOperation: Record<EntityOperation, ProblemSample[]> = {
    create: [
      ...body,
      invalid(validationOf(entity.createSchema, {}, 'body')),
      sample(new EntityAlreadyExistsError(entity.singular, EXAMPLE_ID), `A ${entity.singular} with this ${entity.idField} exists.`),
    ],
    get: [invalid(validationOf(idSchema(entity), { [entity.idField]: '!' }, 'path')), notFound],
    list: [invalid(validationOf(listQuerySchema(entity), { page_size: '1000' }, 'query'))],
    query: [
      ...body,
      invalid(validationOf(queryBodySchema(entity), { limit: 1000 }, 'body')),
      sample(
        whereErrorOf(entity, { and: [{ [entity.idField]: { eq: EXAMPLE_ID } }, { shoe_size: { gt: 40 } }] }),
        'The where names an unknown field or operator, or a value of the wrong type; `loc` points at the part.',
      ),
      sample(
        invalidCursor('The cursor was issued for a different where or sort; send it with the query it came from.', ['body', 'cursor']),
        'The cursor is forged, edited, or belongs to another query.',
      ),
    ],
    update: [...body, invalid(validationOf(entity.updateSchema, { [entity.idField]: EXAMPLE_ID }, 'body', [entity.idField])), notFound, stale, contended],
    delete: [invalid(validationOf(idSchema(entity), { [entity.idField]: '!' }, 'path')), notFound, stale, contended],
  };
  return [...byOperation[operation], ...dependencyProblems(instance)];
}

/** Problems of `POST /products/{sku}/stock` (functions/products/stock.ts). */
export function stockProblems(route: string): ProblemSample[] {
  const instance = route.replace(`{${products.idField}}`, EXAMPLE_ID);
  const sample = (error: unknown, description: string) => render(error, description, instance);
  return [
    sample(new BadRequestError('request.malformedJson', 'The body is not valid JSON: Unexpected end of JSON input'), 'The body is not valid JSON.'),
    sample(new PayloadTooLargeError('request.tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`), `The body exceeds ${MAX_BODY_BYTES} bytes.`),
    sample(new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.'), 'The body is not JSON.'),
    sample(validationOf(stockChangeSchema, { delta: 0, reason: '' }, 'body'), 'delta is not a non-zero whole number, or reason is not 1-200 characters.'),
    sample(new EntityNotFoundError(products.singular, EXAMPLE_ID), `No ${products.singular} has this ${products.idField}.`),
    sample(new InsufficientStockError(EXAMPLE_ID, 3, -5), 'The change would take stock_available below 0; nothing changed.'),
    sample(new StockLimitError(EXAMPLE_ID, MAX_STOCK - 1, 5, MAX_STOCK), `The change would take stock_available above ${MAX_STOCK}; nothing changed.`),
    sample(
      new EntityVersionMismatchError(products.singular, EXAMPLE_ID, [3], 4),
      'If-Match names a version that is no longer current; read the product again and retry.',
    ),
    ...dependencyProblems(instance),
  ];
}

/**
 * Problems of an operation that needs `permission`: 401 without valid credentials, 403 with
 * a role below it, 503 when the authorizer could not reach its dependencies. Public
 * operations have none.
 */
export function authProblems(permission: Permission, instance: string): ProblemSample[] {
  if (permission === 'public') return [];
  const sample = (error: unknown, description: string) => render(error, description, instance);
  return [
    sample(new CredentialsMissingError(), 'No Authorization bearer token and no X-API-Key.'),
    sample(new CredentialsRejectedError('invalid'), 'The token or API key is malformed, forged, for another audience or issuer, or unknown.'),
    sample(new CredentialsRejectedError('expired'), 'The token has expired (30 s of clock skew are tolerated).'),
    sample(new CredentialsRejectedError('revoked'), 'The token was revoked, or the API key deleted.'),
    sample(new InsufficientRoleError(permission), `The caller's role is below ${permission}.`),
  ];
}

/** Problems of the admin operations (functions/admin/). */
export function adminProblems(id: string, instance: string): ProblemSample[] {
  const sample = (error: unknown, description: string) => render(error, description, instance);
  const body = [
    sample(new BadRequestError('request.malformedJson', 'The body is not valid JSON: Unexpected end of JSON input'), 'The body is not valid JSON.'),
    sample(new UnsupportedMediaTypeError('request.unsupportedMediaType', 'Send the body as application/json.'), 'The body is not JSON.'),
  ];
  const byId: Record<string, ProblemSample[]> = {
    'admin-api-keys-create': [...body, sample(validationOf(apiKeyCreateSchema, { name: '', role: 'root' }, 'body'), 'The name or role is invalid.')],
    'admin-api-keys-list': [],
    'admin-api-keys-delete': [
      sample(validationOf(keyIdPathSchema, { key_id: 'x' }, 'path'), 'The key id is malformed.'),
      sample(new ApiKeyNotFoundError(`ak_${'0'.repeat(16)}`), 'No key has this id (or it was deleted already).'),
    ],
    'admin-tokens-revoke': [...body, sample(validationOf(tokenRevokeSchema, { jti: '', exp: 0 }, 'body'), 'jti or exp is invalid.')],
    'admin-cache-invalidate': [sample(validationOf(cacheInvalidateQuerySchema, {}, 'query'), 'The pattern is missing or empty.')],
  };
  const dependency = id.startsWith('admin-cache-') ? 'Cache' : id === 'admin-tokens-revoke' || id === 'admin-metrics' ? 'Redis' : 'DynamoDB';
  return [
    ...(byId[id] ?? []),
    sample(new DependencyUnavailableError(dependency, 1), `${dependency} is unavailable; retry after Retry-After seconds.`),
    ...commonProblems(instance),
  ];
}

/** Problems every route can answer with. */
export function commonProblems(instance: string): ProblemSample[] {
  return [render(new Error('boom'), 'An unexpected failure; details are logged under request_id.', instance)];
}

/** Problems of the `$default` route (functions/system/fallback.ts): no route matched. */
export function fallbackProblems(): ProblemSample[] {
  const instance = '/api/v1/unknown';
  return [
    render(new NotFoundError('route.notFound', `No route for GET ${instance}.`), 'No route matches the path.', instance),
    render(new MethodNotAllowedError(['GET', 'POST']), 'The path exists, but not for this method; Allow lists the methods.', instance),
  ];
}

function dependencyProblems(instance: string): ProblemSample[] {
  return [
    render(new DependencyUnavailableError('DynamoDB', 1), 'A dependency is throttling or down; retry after Retry-After seconds.', instance),
    ...commonProblems(instance),
  ];
}

/** One sample rendered by the real `toProblem` (also used by the orders operations). */
export function render(error: unknown, description: string, instance: string): ProblemSample {
  const result = toProblem(error, { ...EXAMPLE_REQUEST, instance });
  const example = JSON.parse(String(result.body)) as Record<string, unknown>;
  return {
    code: typeof example.code === 'string' ? example.code : 'internal',
    status: result.statusCode ?? 500,
    title: String(example.title),
    type: String(example.type),
    description,
    example,
    retryAfter: result.headers?.['retry-after'] !== undefined,
    challenge: result.headers?.['www-authenticate'] !== undefined,
  };
}

function whereErrorOf(entity: Entity, where: unknown): ValidationError {
  try {
    parseWhere(entity, where);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`openapi: example where ${JSON.stringify(where)} unexpectedly passes validation`);
}

function idSchema(entity: Entity) {
  return z.object({ [entity.idField]: entity.id });
}

function validationOf(schema: z.core.$ZodType, value: unknown, source: 'body' | 'path' | 'query', immutable?: readonly string[]) {
  const result = z.safeParse(schema, value);
  if (result.success) throw new Error(`openapi: example ${JSON.stringify(value)} unexpectedly passes validation`);
  return new ValidationError(toErrorDetails(result.error.issues, source, { immutable }));
}
