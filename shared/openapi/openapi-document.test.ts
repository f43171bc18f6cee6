import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { adminFunctions } from '../admin/admin-functions.js';
import { MAX_PAGE_SIZE } from '../entity/list-query.js';
import { entities, functions } from '../registry.js';
import { buildOpenApiDocument } from './openapi-document.js';
import type { JsonSchema, OperationObject, PathItemMethod } from './openapi-types.js';
import { problemSchema } from './problem-schema.js';
import { isTableApiFunction, TABLE_API_TAG } from '../table-api/table-api-functions.js';

const doc = buildOpenApiDocument();

function operation(path: string, method: PathItemMethod): OperationObject {
  const found = doc.paths[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not documented`);
  return found;
}

function resolve(schema: JsonSchema | undefined): JsonSchema {
  const name = schema?.$ref?.replace('#/components/schemas/', '');
  return name ? (doc.components.schemas[name] as JsonSchema) : (schema as JsonSchema);
}

const allOperations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, op: op as OperationObject })),
);

function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsIn(value)));
}

describe('buildOpenApiDocument', () => {
  it('is OpenAPI 3.1.0', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every registered route with its method and nothing else', () => {
    const routes = functions.flatMap((fn) => fn.routes.map((route) => `${route.method} ${route.path}`));
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      expect(doc.paths[path]?.[method.toLowerCase() as PathItemMethod], route).toBeDefined();
    }
    expect(allOperations.map(({ path, method }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([...routes].sort());
  });

  it('gives every operation a unique operationId, suffixed by method when a function has several routes', () => {
    const ids = allOperations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operation('/api/v1/students/{student_id}', 'put').operationId).toBe('students-update-put');
    expect(operation('/api/v1/students/{student_id}', 'patch').operationId).toBe('students-update-patch');
    expect(operation('/api/v1/students', 'post').operationId).toBe('students-create');
  });

  it('carries the declared permission and a tag on every operation', () => {
    for (const fn of functions) {
      for (const route of fn.routes) {
        const op = operation(route.path, route.method.toLowerCase() as PathItemMethod);
        expect(op['x-permission']).toBe(route.permission ?? fn.permission);
        const owner = entities.find((entity) => fn.id.startsWith(`${entity.name}-`));
        const admin = adminFunctions.includes(fn);
        expect(op.tags).toEqual([owner?.name ?? (admin ? 'admin' : isTableApiFunction(fn.id) ? TABLE_API_TAG : 'system')]);
        expect(op.summary).toBe(fn.description);
      }
    }
  });

  it('requires student_id, first_name and last_name on create and bounds math_score to 0-10 or null', () => {
    const body = operation('/api/v1/students', 'post').requestBody;
    expect(body?.required).toBe(true);
    const schema = resolve(body?.content['application/json']?.schema);
    expect(schema.required).toEqual(expect.arrayContaining(['student_id', 'first_name', 'last_name']));
    expect(schema.required).not.toContain('math_score');
    expect(schema.additionalProperties).toBe(false);
    const math = schema.properties?.math_score;
    expect(math?.anyOf).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'number', minimum: 0, maximum: 10 }), { type: 'null' }]));
  });

  it('makes every field optional on update', () => {
    const schema = resolve(operation('/api/v1/students/{student_id}', 'patch').requestBody?.content['application/json']?.schema);
    expect(schema.required ?? []).toEqual([]);
    expect(Object.keys(schema.properties ?? {})).toContain('first_name');
  });

  it('lists page, page_size, search, hometown, sort and cursor as separate query parameters', () => {
    const params = operation('/api/v1/students', 'get').parameters.filter((param) => param.in === 'query');
    expect(params.map((param) => param.name).sort()).toEqual(['cursor', 'hometown', 'page', 'page_size', 'search', 'sort']);
    const pageSize = params.find((param) => param.name === 'page_size');
    expect(pageSize?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE });
    expect(pageSize?.required).toBe(false);
    expect(params.find((param) => param.name === 'sort')?.schema.enum).toContain('-average_score');
  });

  it('answers list with a StudentPage whose items are Students', () => {
    const response = operation('/api/v1/students', 'get').responses['200'];
    const page = resolve(response?.content?.['application/json']?.schema);
    expect(response?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/StudentPage' });
    expect(page.properties?.items).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Student' } });
    expect(page.required).toEqual(['items', 'total', 'page', 'page_size', 'total_pages', 'has_next', 'has_prev', 'next_cursor']);
  });

  it('takes the path parameter schema from the entity id', () => {
    const param = operation('/api/v1/students/{student_id}', 'get').parameters.find((p) => p.in === 'path');
    expect(param).toMatchObject({ name: 'student_id', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{2,20}$' } });
  });

  it('documents Location and ETag on 201, ETag on reads and updates, 204 on delete', () => {
    expect(Object.keys(operation('/api/v1/students', 'post').responses['201']?.headers ?? {})).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'X-Request-Id']),
    );
    expect(operation('/api/v1/students/{student_id}', 'get').responses['200']?.headers).toHaveProperty('ETag');
    expect(operation('/api/v1/students/{student_id}', 'put').responses['200']?.headers).toHaveProperty('ETag');
    expect(operation('/api/v1/students/{student_id}', 'delete').responses['204']).toBeDefined();
  });

  it('documents the error statuses each operation can produce', () => {
    const statuses = (path: string, method: PathItemMethod) => Object.keys(operation(path, method).responses).filter((status) => Number(status) >= 400);
    expect(statuses('/api/v1/students', 'post')).toEqual(['400', '401', '403', '409', '413', '415', '422', '500', '503']);
    expect(statuses('/api/v1/students', 'get')).toEqual(['401', '403', '422', '500', '503']);
    expect(statuses('/api/v1/students/{student_id}', 'get')).toEqual(['401', '403', '404', '422', '500', '503']);
    expect(statuses('/api/v1/students/{student_id}', 'patch')).toEqual(['400', '401', '403', '404', '409', '412', '413', '415', '422', '500', '503']);
    expect(statuses('/api/v1/students/{student_id}', 'delete')).toEqual(['401', '403', '404', '409', '412', '422', '500', '503']);
    expect(statuses('/api/v1/admin/api-keys', 'post')).toEqual(['400', '401', '403', '415', '422', '500', '503']);
    expect(statuses('/api/v1/admin/api-keys/{key_id}', 'delete')).toEqual(['401', '403', '404', '422', '500', '503']);
    expect(statuses('/openapi.json', 'get')).toEqual(['500']);
  });

  it('accepts If-Match on entity updates and deletes, and on the stock change, only', () => {
    for (const { op, method } of allOperations) {
      const hasIfMatch = op.parameters.some((param) => param.in === 'header' && param.name === 'If-Match');
      const onEntity = entities.some((entity) => op.tags.includes(entity.name));
      expect(hasIfMatch, op.operationId).toBe((onEntity && ['put', 'patch', 'delete'].includes(method)) || op.operationId === 'products-stock');
    }
  });

  it('documents the stock change: its body, the product it answers and its 404/409/412/422', () => {
    const op = operation('/api/v1/products/{sku}/stock', 'post');
    expect(op.tags).toEqual(['products']);
    expect(op['x-permission']).toBe('staff');
    const body = resolve(op.requestBody?.content['application/json']?.schema);
    expect(body.required).toEqual(['delta', 'reason']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties?.delta).toMatchObject({ type: 'integer' });
    expect(op.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Product' });
    expect(Object.keys(op.responses).filter((status) => Number(status) >= 400)).toEqual([
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '415',
      '422',
      '500',
      '503',
    ]);
    expect(doc['x-problem-types']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'product.insufficientStock', status: 409 }),
        expect.objectContaining({ code: 'product.stockLimit', status: 409 }),
      ]),
    );
  });

  it('documents stock as part of a product but not of its create or update body', () => {
    const product = doc.components.schemas.Product as { properties: Record<string, unknown> };
    expect(Object.keys(product.properties)).toEqual(expect.arrayContaining(['stock_available', 'stock_reserved']));
    for (const name of ['ProductCreate', 'ProductUpdate']) {
      const schema = doc.components.schemas[name] as { properties: Record<string, unknown> };
      expect(Object.keys(schema.properties), name).not.toContain('stock_available');
      expect(Object.keys(schema.properties), name).not.toContain('stock_reserved');
    }
  });

  it('requires a bearer token or an API key on every operation that is not public, and nothing on public ones', () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['bearerAuth', 'apiKey']);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    for (const fn of functions) {
      for (const route of fn.routes) {
        const op = operation(route.path, route.method.toLowerCase() as PathItemMethod);
        if (fn.permission === 'public') {
          expect(op.security, op.operationId).toEqual([]);
          expect(op.responses).not.toHaveProperty('401');
        } else {
          expect(op.security, op.operationId).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
          expect(op.responses['401']?.headers, op.operationId).toHaveProperty('WWW-Authenticate');
          expect(Object.keys(op.responses['401']?.content?.['application/problem+json']?.examples ?? {}).sort()).toEqual([
            'auth.credentialsInvalid',
            'auth.credentialsMissing',
            'auth.credentialsRevoked',
            'auth.tokenExpired',
          ]);
          expect(op.responses['403']?.content?.['application/problem+json']?.examples).toHaveProperty('auth.insufficientRole');
        }
      }
    }
  });

  it('documents the API key secret only in the create answer', () => {
    const created = resolve(operation('/api/v1/admin/api-keys', 'post').responses['201']?.content?.['application/json']?.schema);
    expect(created.required).toContain('api_key');
    const listed = resolve(operation('/api/v1/admin/api-keys', 'get').responses['200']?.content?.['application/json']?.schema);
    expect(JSON.stringify(listed)).not.toContain('api_key');
    expect(resolve(listed.properties?.items?.items).properties).not.toHaveProperty('api_key');
  });

  it('documents the cache and metrics operations: a required pattern on invalidate, their bodies, 503 while Redis is down', () => {
    const pattern = operation('/api/v1/admin/cache/invalidate', 'post').parameters.find((param) => param.in === 'query');
    expect(pattern).toMatchObject({ name: 'pattern', required: true, schema: { type: 'string', minLength: 1 } });
    expect(operation('/api/v1/admin/cache/invalidate', 'post').responses['422']).toBeDefined();
    expect(operation('/api/v1/admin/cache/clear', 'post').responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CacheEntriesRemoved',
    });
    expect(operation('/api/v1/admin/cache/stats', 'get').responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CacheStats',
    });
    const metrics = resolve(operation('/api/v1/admin/metrics', 'get').responses['200']?.content?.['application/json']?.schema);
    expect(metrics.required).toEqual(['enabled', 'since', 'routes', 'cache', 'imports']);
    expect(metrics.properties?.cache).toEqual({ $ref: '#/components/schemas/CacheStats' });
    for (const path of ['/api/v1/admin/cache/stats', '/api/v1/admin/cache/clear', '/api/v1/admin/cache/invalidate', '/api/v1/admin/metrics']) {
      const op = doc.paths[path]!.get ?? doc.paths[path]!.post!;
      expect(op['x-permission']).toBe('admin');
      expect(op.responses['503'], path).toBeDefined();
    }
  });

  it('answers problems as application/problem+json referencing Problem, with examples the schema accepts', () => {
    for (const { op } of allOperations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || op.operationId === 'system-health') continue;
        const media = response.content?.['application/problem+json'];
        expect(media?.schema, `${op.operationId} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
        for (const example of Object.values(media?.examples ?? {})) {
          expect(z.safeParse(problemSchema, example.value).success, `${op.operationId} ${status}`).toBe(true);
          expect((example.value as { status: number }).status).toBe(Number(status));
        }
      }
    }
  });

  it('sends Retry-After with 503 and X-Request-Id with every response', () => {
    for (const { op } of allOperations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers, `${op.operationId} ${status}`).toHaveProperty('X-Request-Id');
        if (status === '503') expect(response.headers).toHaveProperty('Retry-After');
      }
    }
  });

  it('lists each problem code once with its status', () => {
    const types = doc['x-problem-types'];
    expect(new Set(types.map((type) => type.code)).size).toBe(types.length);
    expect(types).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'student.notFound', status: 404, type: 'urn:records-platform:problem:student.notFound' }),
        expect.objectContaining({ code: 'student.versionMismatch', status: 412 }),
        expect.objectContaining({ code: 'request.invalid', status: 422 }),
        expect.objectContaining({ code: 'internal', status: 500 }),
      ]),
    );
  });

  it('lists the problems of the $default route although it has no path of its own', () => {
    expect(functions.some((fn) => fn.defaultRoute)).toBe(true);
    expect(doc['x-problem-types']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'route.notFound', status: 404 }),
        expect.objectContaining({ code: 'route.methodNotAllowed', status: 405 }),
      ]),
    );
  });

  it('resolves every $ref to a schema in components.schemas', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, ref).toHaveProperty([ref.replace('#/components/schemas/', '')]);
    }
    // Every entity's twelve by its schema name (Student, StudentCreate …; an entity made by npm run new:entity adds its own), then the rest.
    const perEntity = entities.flatMap((entity) => {
      const name = z.globalRegistry.get(entity.responseSchema)!.id!;
      return ['', 'BulkDelete', 'BulkUpdate', 'Create', 'Page', 'Query', 'QueryPage', 'TableDelete', 'TableInsert', 'TableQuery', 'TableUpdate', 'Update'].map(
        (suffix) => `${name}${suffix}`,
      );
    });
    const others = [
      'AdminMetrics',
      'ApiKey',
      'ApiKeyCreate',
      'ApiKeyCreated',
      'ApiKeyList',
      'BulkDeleteResult',
      'BulkUpdateResult',
      'CacheEntriesRemoved',
      'CacheStats',
      'FeatureFlags',
      'FlagEvaluation',
      'HealthReport',
      'NotificationList',
      'Order',
      'OrderAccepted',
      'OrderCreate',
      'OrderPage',
      'Problem',
      'StockChange',
      'TokenRevoke',
    ];
    expect(Object.keys(doc.components.schemas)).toEqual([...others, ...perEntity].sort((a, b) => a.localeCompare(b)));
  });

  it('documents the original table API: its routes, a body per table, the table enum, 404 entity.notFound and 400 without a where', () => {
    const tableApi = allOperations.filter(({ op }) => op.tags.includes(TABLE_API_TAG)).map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(tableApi.sort()).toEqual(
      [
        'POST /api/{table}',
        'PUT /api/{table}',
        'DELETE /api/{table}',
        'GET /api/{table}/query',
        'POST /api/{table}/query',
        'POST /api/batch/import',
        'GET /api/batch/{table}/export',
      ].sort(),
    );
    // One body and one enum value per registered entity (students, products, and any an npm run new:entity adds).
    expect(operation('/api/{table}', 'post').requestBody?.content['application/json']?.schema).toEqual({
      oneOf: entities.map((entity) => ({ $ref: `#/components/schemas/${z.globalRegistry.get(entity.responseSchema)!.id}TableInsert` })),
    });
    expect(entities.slice(0, 2).map((entity) => entity.name)).toEqual(['students', 'products']);
    expect(operation('/api/{table}', 'post').parameters.filter((param) => param.in === 'path')).toEqual([
      expect.objectContaining({ name: 'table', schema: { type: 'string', enum: entities.map((entity) => entity.name) } }),
    ]);
    expect(operation('/api/batch/{table}/export', 'get').parameters.find((param) => param.name === 'table')?.schema.enum).toEqual(['students']);
    for (const { op } of allOperations.filter(({ op }) => op.tags.includes(TABLE_API_TAG))) {
      expect(op.responses['404']?.content?.['application/problem+json']?.examples, op.operationId).toHaveProperty('entity.notFound');
    }
    for (const method of ['put', 'delete'] as const)
      expect(operation('/api/{table}', method).responses['400']?.content?.['application/problem+json']?.examples).toHaveProperty('bulk.whereRequired');
    expect(operation('/api/{table}', 'delete')['x-permission']).toBe('admin');
    expect(operation('/api/batch/import', 'post').requestBody?.content).toHaveProperty('multipart/form-data');
  });

  it('builds once, freezes the result and builds the same JSON again after a fresh import', async () => {
    expect(buildOpenApiDocument()).toBe(doc);
    expect(Object.isFrozen(doc.paths)).toBe(true);
    vi.resetModules();
    const fresh = await import('./openapi-document.js');
    const again = fresh.buildOpenApiDocument();
    expect(again).not.toBe(doc);
    expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
  });
});
