import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../build/bundle-functions.js';
import type { Entity } from '../../../shared/entity/define-entity.js';
import { tableDesign } from '../../../shared/store/dynamodb/table-design.js';
import { entityDeclaration, MAX_SORTED_INT } from './entity-declaration.js';
import { parseEntityArgs } from './entity-spec.js';

/** Every field type, nullable and not, a filter and sorts of each kind. */
const spec = parseEntityArgs([
  'lab_results',
  '--fields',
  'code:string:key,title:string,contact:email?,count:int,score:number?,passed:boolean,taken_on:date?,checked_at:datetime?,lab:string?',
  '--filter',
  'lab',
  '--sort',
  'count,title,taken_on',
  '--with-cache',
]);

let dir: string;
let entity: Entity;

/** The generated file, evaluated: its relative imports pointed at this repository's shared/. */
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'entity-declaration-'));
  const file = path.join(dir, 'lab_results.entity.ts');
  writeFileSync(file, entityDeclaration(spec).replaceAll("from '../entity/", `from '${path.join(ROOT, 'shared/entity')}/`));
  entity = (await import(file)).labResults as Entity;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = { code: 'r-1', title: 'Blood count', count: 3, passed: true };
const create = (input: Record<string, unknown>) => entity.createSchema.safeParse({ ...valid, ...input });

describe('the generated declaration', () => {
  it('is a defineEntity with the name, singular, key and derived routes', () => {
    expect(entity).toMatchObject({
      name: 'lab_results',
      singular: 'lab_result',
      idField: 'code',
      routes: { collection: '/api/v1/lab_results', item: '/api/v1/lab_results/{code}' },
    });
  });

  it('requires the fields without ? and nulls the others', () => {
    const issues = entity.createSchema.safeParse({}).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join('.')).sort()).toEqual(['code', 'count', 'passed', 'title']);
    expect(entity.nullableFields).toEqual(['contact', 'score', 'taken_on', 'checked_at', 'lab']);
    expect(create({ contact: null, score: null, taken_on: null }).success).toBe(true);
  });

  it('trims and upper-cases the key; trims text', () => {
    expect(create({ code: ' r-1 ', title: '  Blood count ' }).data).toMatchObject({ code: 'R-1', title: 'Blood count' });
  });

  it.each([
    ['title', ''],
    ['title', 'bell\u0007'],
    ['contact', 'not-an-email'],
    ['count', 1.5],
    ['count', -1],
    ['count', MAX_SORTED_INT + 1],
    ['score', 'high'],
    ['passed', 'yes'],
    ['taken_on', '2026-13-01'],
    ['checked_at', 'yesterday'],
  ])('refuses %s = %j', (field, value) => {
    expect(create({ [field]: value }).success).toBe(false);
  });

  it('accepts a negative score, which is not sorted', () => {
    expect(create({ score: -2.5 }).success).toBe(true);
  });

  it('sorts by the key, the --sort fields and created_at, filters by --filter and searches text', () => {
    expect(Object.keys(entity.list.sorts)).toEqual(['code', 'count', 'title', 'taken_on', 'created_at']);
    expect(entity.list.defaultSort).toBe('code');
    expect(Object.keys(entity.list.filters)).toEqual(['lab']);
    expect(entity.list.searchFields).toEqual(['code', 'title', 'contact', 'lab']);
    const view = { count: 20, title: 'Élan', taken_on: '2026-02-01' };
    expect(entity.list.sorts.count!.encode(view)).toBe('000000000000020');
    expect(entity.list.sorts.title!.encode(view)).toBe('elan');
    expect(entity.list.sorts.taken_on!.encode(view)).toBe('2026-02-01');
  });

  it('caches reads for a minute when --with-cache, and has a table design of (1 + filters) × sorts indexes', () => {
    expect(entity.cache).toEqual({ ttlSeconds: 60, l1StaleMs: 0 });
    const design = tableDesign(entity);
    expect(design.envVar).toBe('LAB_RESULTS_TABLE_NAME');
    expect(design.indexes).toHaveLength(10);
  });

  it('declares no cache without --with-cache', () => {
    expect(entityDeclaration({ ...spec, cache: false })).not.toContain('cache:');
  });
});
