import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors/app-error.js';
import { functions } from '../registry.js';
import { products } from '../products/products.entity.js';
import { students } from '../students/students.entity.js';
import { resolveTable } from './resolve-table.js';
import { tableApiFunctions } from './table-api-functions.js';

const principal = (role: 'viewer' | 'staff' | 'admin') => ({ sub: 'u1', role, method: 'jwt' as const });
const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as AppError).code;
  }
  return 'none';
};

describe('tableApiFunctions', () => {
  const declared = tableApiFunctions([students, products]);
  const byId = Object.fromEntries(declared.map((fn) => [fn.id, fn]));

  it('declares four functions for every table, registered once', () => {
    expect(declared.map((fn) => fn.id)).toEqual(['tables-write', 'tables-query', 'tables-import', 'tables-export']);
    for (const fn of declared) expect(functions.filter((other) => other.id === fn.id)).toHaveLength(1);
  });

  it('gives each route the permission of its v1 twin', () => {
    expect(byId['tables-write']!.routes.map((route) => `${route.method} ${route.permission}`)).toEqual(['POST staff', 'PUT staff', 'DELETE admin']);
    expect(byId['tables-write']!.permission).toBe('staff');
    expect(byId['tables-query']!.permission).toBe('viewer');
  });

  it('takes its grants from the v1 declarations: reads only for the query, imports and exports for the tables that have them', () => {
    expect(byId['tables-query']!.tables).toEqual([
      { table: 'students', actions: ['GetItem', 'BatchGetItem', 'Query', 'Scan'] },
      { table: 'products', actions: ['GetItem', 'BatchGetItem', 'Query', 'Scan'] },
    ]);
    expect(byId['tables-write']!.tables.map((grant) => grant.table)).toEqual(['students', 'products']);
    expect(byId['tables-import']!.tables.map((grant) => grant.table)).toEqual(['students', 'import-jobs', 'outbox']);
    expect(byId['tables-export']!.tables).toEqual([{ table: 'students', actions: ['Query', 'GetItem'] }]);
    expect(byId['tables-export']!.largeExports).toBe(true);
  });

  it('declares no import or export function when no table has one', () => {
    expect(tableApiFunctions([products]).map((fn) => fn.id)).toEqual(['tables-write', 'tables-query']);
  });
});

describe('resolveTable', () => {
  const tables = [students, products];

  it('finds a registered table by its exact name', () => {
    expect(resolveTable(tables, 'products', 'insert', principal('staff'))).toBe(products);
  });

  it('answers entity.notFound for any other name, and for a table without the operation', () => {
    for (const name of ['teachers', 'Students', 'students ', '__proto__', 'constructor'])
      expect(codeOf(() => resolveTable(tables, name, 'query', principal('admin')))).toBe('entity.notFound');
    expect(codeOf(() => resolveTable(tables, 'products', 'export', principal('admin')))).toBe('entity.notFound');
  });

  it("applies the named table's own permission", () => {
    expect(codeOf(() => resolveTable(tables, 'students', 'delete', principal('staff')))).toBe('auth.insufficientRole');
    expect(codeOf(() => resolveTable(tables, 'students', 'delete', undefined))).toBe('auth.insufficientRole');
  });
});
