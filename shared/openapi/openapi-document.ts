import { adminFunctions } from '../admin/admin-functions.js';
import type { Entity, EntityOperation } from '../entity/define-entity.js';
import { entityFunctions, type FunctionDeclaration, type RouteDeclaration, routePermission } from '../entity/entity-functions.js';
import { entities, functions } from '../registry.js';
import { adminOperationSpec } from './admin-operation-spec.js';
import { bulkOperationSpec } from './bulk-operation-spec.js';
import { entityOperationSpec } from './entity-operation-spec.js';
import { ordersOperationSpec } from './orders-operation-spec.js';
import { productOperationSpec } from './product-operation-spec.js';
import type {
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  PathItemMethod,
  ProblemTypeEntry,
  ResponseObject,
  SecurityRequirement,
  SecuritySchemeObject,
} from './openapi-types.js';
import { adminProblems, authProblems, commonProblems, entityProblems, fallbackProblems, type ProblemSample } from './problem-samples.js';
import { problemSchema } from './problem-schema.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import { createSchemaComponents } from './schema-components.js';
import { systemOperationSpec } from './system-operation-spec.js';
import { tableApiOperationSpec } from './table-api-operation-spec.js';
import { isTableApiFunction, TABLE_API_TAG } from '../table-api/table-api-functions.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;
type EntityOwner = { entity: Entity; operation: EntityOperation };

const METHOD_ORDER: PathItemMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

const REQUEST_ID_PARAMETER: ParameterObject = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: 'Your correlation id; reused in logs and echoed back when it is short and safe to log',
  schema: { type: 'string' },
};

const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito access or id token of the app client (locally: `npm run token`). The role is the highest ' +
      'of its groups (`cognito:groups`): admin > staff > viewer.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key (`ak_<id>.<secret>`) created by an admin; it acts with the role it was created with.',
  },
};
/** Either scheme authenticates; public operations declare none. */
const AUTHENTICATED: SecurityRequirement[] = [{ bearerAuth: [] }, { apiKey: [] }];
const ADMIN_IDS = new Set(adminFunctions.map((fn) => fn.id));

let cached: OpenApiDocument | undefined;

/**
 * OpenAPI 3.1 of every route in the registry, from the entities' zod schemas. Built on first
 * call (never at import) and reused; the result is frozen and its key order is stable, so it
 * can be served as is and compared as a snapshot.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  cached ??= deepFreeze(createDocument(entities, functions));
  return cached;
}

/** The function id, suffixed by method when it has several routes, and by position when a method repeats (alias paths). */
function operationIdOf(fn: FunctionDeclaration, route: FunctionDeclaration['routes'][number]): string {
  if (fn.routes.length === 1) return fn.id;
  const method = route.method.toLowerCase();
  const sameMethod = fn.routes.filter((other) => other.method === route.method);
  return sameMethod.length > 1 ? `${fn.id}-${method}-${sameMethod.indexOf(route) + 1}` : `${fn.id}-${method}`;
}

function createDocument(entityList: readonly Entity[], functionList: readonly FunctionDeclaration[]): OpenApiDocument {
  const schemas = createSchemaComponents();
  const problem = schemas.named('Problem', problemSchema, 'output');
  const owners = entityOwners(entityList);
  const paths: OpenApiDocument['paths'] = {};
  const problemTypes = new Map<string, ProblemTypeEntry>();

  for (const fn of functionList) {
    // The $default route has no path of its own; its problems still belong in the catalog.
    if (fn.defaultRoute) for (const sample of fallbackProblems()) problemTypes.set(sample.code, problemTypeEntry(sample));
    const owner = owners.get(fn.id);
    const admin = ADMIN_IDS.has(fn.id);
    // Export, statistics and chart functions are no CRUD operation but still belong to their entity.
    const tagEntity = owner?.entity ?? entityList.find((entity) => fn.id.startsWith(`${entity.name}-`));
    for (const route of fn.routes) {
      const custom = owner
        ? undefined
        : (bulkOperationSpec(entityList, fn, route.path, schemas) ??
          productOperationSpec(fn, route.path, schemas) ??
          ordersOperationSpec(fn, route.path, schemas) ??
          tableApiOperationSpec(entityList, fn, route, schemas));
      const permission = routePermission(fn, route);
      const spec = owner
        ? entityOperationSpec(owner.entity, owner.operation, schemas)
        : custom
          ? custom.spec
          : admin
            ? adminOperationSpec(fn, schemas)
            : systemOperationSpec(fn, schemas);
      const problems = [
        ...authProblems(permission, route.path),
        ...(owner
          ? entityProblems(owner.entity, owner.operation)
          : custom
            ? custom.problems
            : admin
              ? adminProblems(fn.id, route.path)
              : commonProblems(route.path)),
      ];
      for (const sample of problems) problemTypes.set(sample.code, problemTypeEntry(sample));
      const method = route.method.toLowerCase() as PathItemMethod;
      const operation: OperationObject = {
        operationId: operationIdOf(fn, route),
        summary: fn.description,
        description: spec.description,
        tags: [tagEntity ? tagEntity.name : admin ? 'admin' : isTableApiFunction(fn.id) ? TABLE_API_TAG : 'system'],
        // A spec may describe a path parameter itself (the table API's `table`, an enum of the tables).
        parameters: [
          ...pathParameters(route, owner?.entity, schemas).filter((param) => !spec.parameters.some((own) => own.in === 'path' && own.name === param.name)),
          ...spec.parameters,
          REQUEST_ID_PARAMETER,
        ],
        ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
        // Integer-like keys enumerate in ascending order: responses list by status.
        responses: { ...problemResponses(problems, problem), ...spec.responses },
        security: permission === 'public' ? [] : AUTHENTICATED,
        'x-permission': permission,
      };
      paths[route.path] = { ...paths[route.path], [method]: operation };
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Records Platform API',
      version: '1.0.0',
      description:
        'Generated from the entity declarations and their zod schemas. Every error is RFC 9457 ' +
        '`application/problem+json` with a stable `code` (see `x-problem-types`). `x-permission` ' +
        'names the role an operation needs: public, viewer, staff or admin (admin > staff > viewer). ' +
        'Authenticate with `Authorization: Bearer <JWT>` or `X-API-Key`; without valid credentials the ' +
        'answer is 401 with `WWW-Authenticate`, with too low a role 403.',
    },
    tags: [
      ...entityList.map((entity) => ({ name: entity.name, description: `Create, read, list, update and delete ${entity.name}` })),
      { name: 'admin', description: 'API keys, token revocation, the cache and request metrics (admin only)' },
      {
        name: TABLE_API_TAG,
        description: 'The original table API over the same services: insert, query, where-update/delete, file import, CSV export (docs/table-api.md)',
      },
      { name: 'system', description: 'Health, this document and its HTML page' },
    ],
    paths: Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, sortMethods(item)])),
    components: { schemas: schemas.all(), securitySchemes: SECURITY_SCHEMES },
    'x-problem-types': [...problemTypes.values()].sort((a, b) => a.status - b.status || a.code.localeCompare(b.code)),
  };
}

/** Function id → the entity operation it implements, as its declaration states. */
function entityOwners(entityList: readonly Entity[]): Map<string, EntityOwner> {
  const owners = new Map<string, EntityOwner>();
  for (const entity of entityList) {
    for (const fn of entityFunctions(entity)) {
      if (fn.operation) owners.set(fn.id, { entity, operation: fn.operation.name });
    }
  }
  return owners;
}

function pathParameters(route: RouteDeclaration, entity: Entity | undefined, schemas: SchemaComponents): ParameterObject[] {
  return [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map(([, name = '']) => {
    const schema: JsonSchema = entity && name === entity.idField ? schemas.schema(entity.id, 'input') : { type: 'string' };
    const { description, ...rest } = schema;
    return { name, in: 'path', required: true, ...(description ? { description } : {}), schema: rest };
  });
}

/** Problems grouped by status: one response each, one example per code. */
function problemResponses(samples: ProblemSample[], problem: JsonSchema): Record<string, ResponseObject> {
  const byStatus = new Map<number, ProblemSample[]>();
  for (const sample of samples) byStatus.set(sample.status, [...(byStatus.get(sample.status) ?? []), sample]);
  const responses: Record<string, ResponseObject> = {};
  for (const [status, group] of byStatus) {
    const retry = group.some((sample) => sample.retryAfter);
    const challenge = group.some((sample) => sample.challenge);
    responses[String(status)] = {
      description: group.map((sample) => `\`${sample.code}\`: ${sample.description}`).join(' '),
      headers: withCommonHeaders({
        ...(retry ? { 'Retry-After': responseHeaders.retryAfter } : {}),
        ...(challenge ? { 'WWW-Authenticate': responseHeaders.wwwAuthenticate } : {}),
      }),
      content: {
        'application/problem+json': {
          schema: problem,
          examples: Object.fromEntries(group.map((sample) => [sample.code, { summary: sample.description, value: sample.example }])),
        },
      },
    };
  }
  return responses;
}

function problemTypeEntry({ code, status, title, type, description }: ProblemSample): ProblemTypeEntry {
  return { code, status, title, type, description };
}

function sortMethods<T>(item: Partial<Record<PathItemMethod, T>>): Partial<Record<PathItemMethod, T>> {
  return Object.fromEntries(METHOD_ORDER.filter((method) => item[method]).map((method) => [method, item[method]]));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
