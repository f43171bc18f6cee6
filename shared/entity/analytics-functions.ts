import { HEAVY_READ_THROTTLE } from '../http/route-throttles.js';
import type { Entity } from './define-entity.js';
import { type FunctionDeclaration, NO_STORE, PRIVATE_REVALIDATE } from './entity-functions.js';

/** Routes of an entity's export, statistics and charts, under its collection path. */
export const analyticsRoutes = (entity: Entity) => ({
  export: `${entity.routes.collection}/export`,
  statistics: `${entity.routes.collection}/statistics`,
  chart: `${entity.routes.collection}/charts/{chart}`,
});

/**
 * The export, statistics and chart functions of an entity that declares `export` /
 * `statistics`. Each reads the table page by page through the list's Query path; reads are
 * the list's permission.
 */
export function analyticsFunctions(entity: Entity): FunctionDeclaration[] {
  const routes = analyticsRoutes(entity);
  const reads = [{ table: entity.name, actions: ['Query' as const, 'GetItem' as const] }];
  const declarations: FunctionDeclaration[] = [];
  if (entity.export) {
    declarations.push({
      id: `${entity.name}-export`,
      entry: `functions/${entity.name}/export.ts`,
      description: `Exports ${entity.name} as CSV, XLSX or XML`,
      routes: [routes.export, ...(entity.export.aliases ?? [])].map((path) => ({ method: 'GET', path })),
      permission: entity.permissions.list,
      tables: reads,
      largeExports: true,
      cacheControl: NO_STORE,
      throttle: HEAVY_READ_THROTTLE,
    });
  }
  if (entity.statistics) {
    declarations.push(
      {
        id: `${entity.name}-statistics`,
        entry: `functions/${entity.name}/statistics.ts`,
        description: `Statistics of ${entity.name} in one streaming pass`,
        routes: [{ method: 'GET', path: routes.statistics }],
        permission: entity.permissions.list,
        tables: reads,
        cacheControl: PRIVATE_REVALIDATE,
        throttle: HEAVY_READ_THROTTLE,
      },
      {
        id: `${entity.name}-charts`,
        entry: `functions/${entity.name}/charts.ts`,
        description: `Charts of ${entity.name} (SVG, PNG or the vega-lite spec)`,
        routes: [{ method: 'GET', path: routes.chart }],
        permission: entity.permissions.list,
        tables: reads,
        chartRendering: true,
        cacheControl: PRIVATE_REVALIDATE,
        throttle: HEAVY_READ_THROTTLE,
      },
    );
  }
  return declarations;
}
