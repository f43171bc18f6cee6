import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../build/bundle-functions.js';
import { parseEntityArgs, SpecError } from './entity-spec.js';
import { CATALOGUE_FILE, planNewEntity, REGISTRY_FILE, type Workspace } from './plan.js';
import { CATALOGUE_MARK, REGISTRY_ENTITIES_MARK } from './registration.js';

const spec = parseEntityArgs(['courses', '--fields', 'id:string:key,title:string,credits:int?']);

/** The repository as it is, with overrides: files by path, and what the registry holds. */
function workspace(overrides: Partial<Workspace> & { files?: Record<string, string> } = {}): Workspace {
  const files = overrides.files ?? {};
  return {
    read: (file) => files[file] ?? readFileSync(path.join(ROOT, file), 'utf8'),
    exists: (file) => file in files || existsSync(path.join(ROOT, file)),
    entities: ['students', 'products'],
    tables: ['students', 'products', 'api-keys', 'orders'],
    routes: ['/api/v1/students', '/api/v1/orders', '/api/v1/orders/{order_id}', '/api/v1/admin/api-keys'],
    ...overrides,
  };
}

describe('planNewEntity', () => {
  it('writes the declaration, its unit and e2e tests, seven Lambda entries, and registers it', () => {
    const plan = planNewEntity(spec, workspace());
    expect(Object.keys(plan).sort()).toEqual(
      [
        'shared/courses/courses.entity.ts',
        'shared/courses/courses.entity.test.ts',
        'test/e2e/courses-api.test.ts',
        ...['create', 'get', 'list', 'query', 'update', 'delete', 'bulk'].map((op) => `functions/courses/${op}.ts`),
        REGISTRY_FILE,
        CATALOGUE_FILE,
      ].sort(),
    );
    expect(plan['functions/courses/get.ts']).toBe(
      [
        '/** GET /api/v1/courses/{id} — one course with its ETag. */',
        "import { entityGetHandler } from '../../shared/http/entity-handlers.js';",
        "import { courses } from '../../shared/courses/courses.entity.js';",
        '',
        'export const handler = entityGetHandler(courses);',
        '',
      ].join('\n'),
    );
  });

  it('adds the import and the list entry above the registry’s markers, changing nothing else', () => {
    const before = readFileSync(path.join(ROOT, REGISTRY_FILE), 'utf8');
    const after = planNewEntity(spec, workspace())[REGISTRY_FILE]!;
    const added = after.split('\n').filter((line) => !before.split('\n').includes(line));
    expect(added).toEqual(["import { courses } from './courses/courses.entity.js';", '  courses,']);
    expect(after.indexOf('  courses,\n')).toBe(after.indexOf(REGISTRY_ENTITIES_MARK) - '  courses,\n'.length - 2);
  });

  it('declares the three write metrics entityWriteMetrics derives from the name', () => {
    const catalogue = planNewEntity(spec, workspace())[CATALOGUE_FILE]!;
    expect(catalogue).toContain("  CoursesCreated: { unit: 'Count', group: 'entities', description: 'Courses created through the API.' },\n");
    expect(catalogue).toContain(
      `  CoursesDeleted: { unit: 'Count', group: 'entities', description: 'Courses deleted through the API.' },\n  ${CATALOGUE_MARK}`,
    );
  });

  it('with --with-events, writes the event details and their test, and declares the three events and their samples', () => {
    const withEvents = parseEntityArgs(['courses', '--fields', 'id:string:key,title:string,credits:int?', '--with-events']);
    const plan = planNewEntity(withEvents, workspace());
    expect(Object.keys(plan)).toEqual(
      expect.arrayContaining(['events/courses.ts', 'test/integration/courses-events.test.ts', 'events/catalog.ts', 'events/sample-events.ts']),
    );
    expect(plan['shared/courses/courses.entity.ts']).toContain("events: { created: 'course.created', updated: 'course.updated', deleted: 'course.deleted' },");
    const catalog = plan['events/catalog.ts']!;
    const added = catalog.split('\n').filter((line) => !readFileSync(path.join(ROOT, 'events/catalog.ts'), 'utf8').split('\n').includes(line));
    expect(added.map((line) => line.trim())).toEqual([
      "import { courseChanges } from './courses.js';",
      "course: 'records.courses',",
      expect.stringMatching(/^'course\.created': declare\('course\.created', courseChanges\.created, 'A course was created through the API: /),
      expect.stringMatching(/^'course\.updated': declare\('course\.updated', courseChanges\.updated, 'A course was updated through the API/),
      expect.stringMatching(/^'course\.deleted': declare\('course\.deleted', courseChanges\.deleted, 'A course was deleted through the API/),
    ]);
    expect(plan['events/sample-events.ts']).toContain("  'course.deleted': { id: courseSample.id, version: 2 },\n");
    expect(planNewEntity(spec, workspace())['events/catalog.ts']).toBeUndefined();
  });

  it('refuses --with-events for a singular that already names an event domain', () => {
    const receipts = parseEntityArgs(['receipts', '--singular', 'payment', '--fields', 'id:string:key,total:int', '--with-events']);
    expect(() => planNewEntity(receipts, workspace())).toThrow(/already declares the event domain 'payment'/);
  });

  it.each([
    [{ entities: ['students', 'courses'] }, /entity 'courses' already exists/],
    [{ tables: ['courses'] }, /a table 'courses' already exists/],
    [{ routes: ['/api/v1/courses/{id}/enrol'] }, /the route \/api\/v1\/courses\/\{id\}\/enrol already exists/],
    [{ files: { 'shared/courses': '' } }, /shared\/courses\/ or functions\/courses\/ already exists/],
    [{ files: { 'test/e2e/courses-api.test.ts': '' } }, /test\/e2e\/courses-api.test.ts already exists/],
    [
      { files: { [REGISTRY_FILE]: 'export const entities = [students];\n' } },
      /shared\/registry.ts has no line '\/\/ npm run new:entity adds entity imports above this line…'/,
    ],
    [{ files: { [REGISTRY_FILE]: "import { courses } from './elsewhere.js';\n" } }, /already binds 'courses'/],
    [
      { files: { [CATALOGUE_FILE]: "export const metricCatalogue = {\n  CoursesCreated: { unit: 'Count' },\n" } },
      /the metric CoursesCreated is already declared/,
    ],
  ])('refuses when the repository already has it (%j)', (overrides, message) => {
    expect(() => planNewEntity(spec, workspace(overrides))).toThrow(SpecError);
    expect(() => planNewEntity(spec, workspace(overrides))).toThrow(message);
  });

  it('refuses an entity whose routes would fall under an existing path', () => {
    const orders = parseEntityArgs(['orders', '--fields', 'id:string:key,total:int']);
    expect(() => planNewEntity(orders, workspace({ tables: [] }))).toThrow(/the route \/api\/v1\/orders already exists/);
  });
});
