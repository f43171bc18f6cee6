import { describe, expect, it } from 'vitest';
import type { FunctionDeclaration, HttpMethod } from '../entity/entity-functions.js';
import { functions } from '../registry.js';
import { createRouteTable } from './route-table.js';

const fn = (id: string, routes: [HttpMethod, string][]): FunctionDeclaration => ({
  id,
  entry: `functions/${id}.ts`,
  description: id,
  routes: routes.map(([method, path]) => ({ method, path })),
  permission: 'public',
  tables: [],
  cacheControl: 'no-store',
});

const table = createRouteTable([
  fn('things-list', [['GET', '/api/v1/things']]),
  fn('things-create', [['POST', '/api/v1/things']]),
  fn('things-get', [['GET', '/api/v1/things/{thing_id}']]),
  fn('things-update', [
    ['PUT', '/api/v1/things/{thing_id}'],
    ['PATCH', '/api/v1/things/{thing_id}'],
  ]),
  fn('parts-get', [['GET', '/api/v1/things/{thing_id}/parts/{part_id}']]),
  fn('versioned', [['GET', '/v1.0/status']]),
  // Declared after the `{thing_id}` route on purpose: specificity, not order, decides.
  fn('things-export', [['GET', '/api/v1/things/export']]),
  { ...fn('fallback', []), defaultRoute: true },
]);

describe('createRouteTable', () => {
  it.each([
    ['GET', '/api/v1/things', 'things-list', 'GET /api/v1/things'],
    ['GET', '/api/v1/things/', 'things-list', 'GET /api/v1/things'],
    ['POST', '/api/v1/things', 'things-create', 'POST /api/v1/things'],
    ['GET', '/api/v1/things/T1', 'things-get', 'GET /api/v1/things/{thing_id}'],
    ['PATCH', '/api/v1/things/T1', 'things-update', 'PATCH /api/v1/things/{thing_id}'],
    ['PUT', '/api/v1/things/T1', 'things-update', 'PUT /api/v1/things/{thing_id}'],
    ['GET', '/api/v1/things/export', 'things-export', 'GET /api/v1/things/export'],
    ['PATCH', '/api/v1/things/export', 'things-update', 'PATCH /api/v1/things/{thing_id}'],
  ])('matches %s %s to %s', (method, path, id, routeKey) => {
    const found = table.resolve(method, path);
    expect(found).toMatchObject({ kind: 'found', routeKey });
    expect(found.kind === 'found' && found.fn.id).toBe(id);
  });

  it('extracts and decodes path parameters', () => {
    expect(table.resolve('GET', '/api/v1/things/a%20b%2Fc/parts/%C4%90%E1%BA%B7ng')).toMatchObject({
      kind: 'found',
      pathParameters: { thing_id: 'a b/c', part_id: 'Đặng' },
    });
  });

  it('keeps a segment that is not valid percent-encoding as it came', () => {
    expect(table.resolve('GET', '/api/v1/things/%E0%A4%A')).toMatchObject({ kind: 'found', pathParameters: { thing_id: '%E0%A4%A' } });
  });

  it('serves HEAD by the function of the GET route', () => {
    const head = table.resolve('HEAD', '/api/v1/things/T1');
    const get = table.resolve('GET', '/api/v1/things/T1');
    expect(head).toMatchObject({ kind: 'found', routeKey: 'HEAD /api/v1/things/{thing_id}' });
    expect(head.kind === 'found' && get.kind === 'found' && head.fn).toBe(get.kind === 'found' && get.fn);
  });

  it('sends OPTIONS to a function of the path (its CORS middleware answers)', () => {
    expect(table.resolve('OPTIONS', '/api/v1/things/T1')).toMatchObject({ kind: 'found' });
  });

  it.each([
    ['DELETE', '/api/v1/things', ['GET', 'POST', 'HEAD', 'OPTIONS']],
    ['POST', '/api/v1/things/T1', ['GET', 'PUT', 'PATCH', 'HEAD', 'OPTIONS']],
    ['DELETE', '/api/v1/things/T1/parts/P1', ['GET', 'HEAD', 'OPTIONS']],
  ])('answers %s %s with 405 and the allowed methods', (method, path, allow) => {
    const resolution = table.resolve(method, path);
    expect(resolution.kind).toBe('methodNotAllowed');
    expect(resolution.kind === 'methodNotAllowed' && [...resolution.allow].sort()).toEqual([...allow].sort());
  });

  it.each(['/api/v1/thing', '/api/v1/things/T1/extra', '/api/v1/things//parts/P1', '/API/V1/THINGS', '/v1a0/status', '/api/v1/things/T1/parts/', '/'])(
    'finds no route for %s',
    (path) => {
      expect(table.resolve('GET', path)).toEqual({ kind: 'notFound' });
    },
  );

  it('never routes to the $default function by path', () => {
    expect(table.resolve('GET', '/fallback')).toEqual({ kind: 'notFound' });
  });

  it('resolves every registered route to its own function', () => {
    const registry = createRouteTable(functions);
    for (const declaration of functions) {
      for (const route of declaration.routes) {
        const path = route.path.replace(/\{\w+\}/g, 'X1');
        const resolution = registry.resolve(route.method, path);
        expect(resolution.kind === 'found' && resolution.fn.id, `${route.method} ${route.path}`).toBe(declaration.id);
      }
    }
  });
});
