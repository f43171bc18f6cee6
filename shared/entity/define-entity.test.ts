import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { defineEntity } from './define-entity.js';

describe('defineEntity cache settings', () => {
  const base = { ...students, cache: undefined };

  it('keeps the declared TTL and L1 staleness bound; students are cached for a minute, L1 stale at most 500 ms', () => {
    expect(students.cache).toEqual({ ttlSeconds: 60, l1StaleMs: 500 });
    expect(defineEntity(base).cache).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a TTL of %s seconds', (ttlSeconds) => {
    expect(() => defineEntity({ ...base, cache: { ttlSeconds } })).toThrow(/ttlSeconds/);
  });

  it.each([-1, 2.5, 60_000, Number.NaN])('refuses an L1 staleness bound of %s ms (whole, from 0, below the TTL)', (l1StaleMs) => {
    expect(() => defineEntity({ ...base, cache: { ttlSeconds: 60, l1StaleMs } })).toThrow(/l1StaleMs/);
  });

  it('accepts an L1 staleness bound of 0 (every L1 hit checks Redis)', () => {
    expect(defineEntity({ ...base, cache: { ttlSeconds: 60, l1StaleMs: 0 } }).cache).toEqual({ ttlSeconds: 60, l1StaleMs: 0 });
  });

  it('refuses a name that would break cache keys', () => {
    expect(() => defineEntity({ ...base, name: 'stu:dents' })).toThrow(/entity names/);
  });
});

describe('defineEntity import settings', () => {
  it.each([
    [{ aliases: { math: ['Math'] } }, 'math'],
    [{ defaults: { home: 'Unknown' } }, 'home'],
    [{ nullWhenInvalid: ['score'] }, 'score'],
  ])('refuses settings naming a field the entity lacks (%j)', (settings, field) => {
    expect(() => defineEntity({ ...students, import: settings })).toThrow(`import settings name unknown field '${field}'`);
  });

  it('accepts the students rules', () => {
    expect(students.import?.defaults).toEqual({ hometown: 'Unknown', email: null });
  });
});

describe('defineEntity readOnly fields', () => {
  const base = { ...students, import: undefined, readOnly: undefined };

  it('leaves read-only fields out of the create and update schemas, keeps them stored, and never nulls them', () => {
    const entity = defineEntity({ ...base, readOnly: { hometown: 'Unknown' } });
    expect(entity.readOnlyFields).toEqual(['hometown']);
    expect(Object.keys(entity.createSchema.shape)).not.toContain('hometown');
    expect(Object.keys(entity.updateSchema.shape)).not.toContain('hometown');
    expect(Object.keys(entity.storedSchema.shape)).toContain('hometown');
    expect(entity.nullableFields).not.toContain('hometown');
  });

  it('refuses a read-only field the entity lacks', () => {
    expect(() => defineEntity({ ...base, readOnly: { nickname: 'x' } as never })).toThrow("readOnly names unknown field 'nickname'");
  });

  it('refuses a read-only field that a create must carry', () => {
    expect(() => defineEntity({ ...base, readOnly: { first_name: 'An' } })).toThrow("readOnly field 'first_name' cannot be required on create");
  });

  it('refuses an initial value its own schema refuses', () => {
    expect(() => defineEntity({ ...base, readOnly: { math_score: 11 } })).toThrow('readOnly.math_score is not a valid initial value');
  });

  it('refuses read-only fields on an importable entity (bulk writes would overwrite them)', () => {
    expect(() => defineEntity({ ...students, readOnly: { math_score: null } })).toThrow('cannot declare import');
  });

  it('has none unless declared', () => {
    expect(students.readOnlyFields).toEqual([]);
  });
});

describe('defineEntity query permission', () => {
  const base = { ...students, permissions: undefined };

  it('lets whoever may list also query, unless the entity says otherwise', () => {
    expect(defineEntity(base).permissions.query).toBe('viewer');
    expect(defineEntity({ ...base, permissions: { list: 'staff' } }).permissions.query).toBe('staff');
    expect(defineEntity({ ...base, permissions: { list: 'staff', query: 'admin' } }).permissions.query).toBe('admin');
  });
});
