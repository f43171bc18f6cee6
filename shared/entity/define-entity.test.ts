import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { defineEntity } from './define-entity.js';

describe('defineEntity cache settings', () => {
  const base = { ...students, cache: undefined };

  it('keeps the declared TTL; students are cached for a minute', () => {
    expect(students.cache).toEqual({ ttlSeconds: 60 });
    expect(defineEntity(base).cache).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a TTL of %s seconds', (ttlSeconds) => {
    expect(() => defineEntity({ ...base, cache: { ttlSeconds } })).toThrow(/ttlSeconds/);
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
