import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../runtime/canonical-json.js';
import { CacheKeys, queryHash } from './cache-keys.js';
import { globToRegExp } from './glob-pattern.js';

/** The part of a key a Redis cluster hashes: the first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('cache keys', () => {
  const keys = new CacheKeys('rp:');

  it('lays keys out as DESIGN.md says, under the prefix, with the entity as hash tag', () => {
    expect(keys.entry('students', 3, 'item', 'S1')).toBe('rp:{students}:v3:item:S1');
    expect(keys.entry('students', 0, 'list', 'ab12')).toBe('rp:{students}:v0:list:ab12');
    expect(keys.namespace('students')).toBe('rp:{students}:ns');
    expect(keys.settling('students')).toBe('rp:{students}:settling');
    expect(keys.listVersion('students')).toBe('rp:{students}:lns');
    expect(keys.written('students', 'S1')).toBe('rp:{students}:w:S1');
    expect(keys.stats).toBe('rp:{_cache}:stats');
    expect(keys.l1Size('c1')).toBe('rp:{_cache}:l1:c1');
  });

  it('puts the keys one read MGETs in one cluster slot: namespace, versions, settling mark and entries of an entity', () => {
    const read = [
      keys.namespace('students'),
      keys.settling('students'),
      keys.listVersion('students'),
      keys.written('students', 'S1'),
      keys.entry('students', 7, 'item', 'S1'),
      keys.entry('students', 7, 'list', 'ff'),
    ];
    expect(new Set(read.map(hashTag))).toEqual(new Set(['students']));
    expect(new Set([keys.l1Size('a'), keys.l1Size('b'), keys.stats].map(hashTag))).toEqual(new Set(['_cache']));
    // Entities do not share a slot by construction: they spread over the cluster.
    expect(hashTag(keys.namespace('courses'))).toBe('courses');
    // Ids and query hashes never take over the tag, whatever they contain.
    expect(hashTag(keys.entry('students', 1, 'item', '{x}'))).toBe('students');
  });

  it('classifies keys so that only entries are counted and removed', () => {
    expect(keys.classify('rp:{students}:v3:item:S1')).toEqual({ kind: 'entry', entity: 'students' });
    expect(keys.classify('rp:{students}:v12:list:ff')).toEqual({ kind: 'entry', entity: 'students' });
    expect(keys.classify('rp:{students}:ns')).toEqual({ kind: 'namespace', entity: 'students' });
    expect(keys.classify('rp:{students}:settling').kind).toBe('other');
    // Versions and write tokens are never entries: clearing them could revive old entries.
    expect(keys.classify(keys.listVersion('students')).kind).toBe('other');
    expect(keys.classify(keys.written('students', 'S1')).kind).toBe('other');
    expect(keys.classify(keys.stats).kind).toBe('other');
    expect(keys.classify(keys.l1Size('c1')).kind).toBe('l1Size');
    expect(keys.classify('other:{students}:v3:item:S1').kind).toBe('other');
    // The layout before hash tags: left to expire with its TTL, never counted.
    expect(keys.classify('rp:students:v3:item:S1').kind).toBe('other');
  });

  it('hashes a query the same whatever its member order, and differently when a value differs', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    expect(queryHash({ q: { sort: 'x', page_size: 10 }, p: 1 })).toBe(queryHash({ p: 1, q: { page_size: 10, sort: 'x' } }));
    expect(queryHash({ p: 1 })).not.toBe(queryHash({ p: 2 }));
    expect(queryHash({ p: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('escapes glob characters of the prefix', () => {
    expect(new CacheKeys('a*b?[c]\\:').glob('x:*')).toBe('a\\*b\\?\\[c\\]\\\\:{x}:*');
  });

  it('puts the first segment of an admin pattern into the hash tag', () => {
    expect(keys.glob()).toBe('rp:{*');
    expect(keys.glob('students:*')).toBe('rp:{students}:*');
    expect(keys.glob('students:v*:item:*')).toBe('rp:{students}:v*:item:*');
    expect(keys.glob('stud*')).toBe('rp:{stud*');
    expect(keys.glob('s[:x]udents:ns')).toBe('rp:{s[:x]udents}:ns');
    expect(keys.glob('a\\:b:*')).toBe('rp:{a\\:b}:*');
  });

  it.each([
    ['students:*', 'students', 'S1', true],
    ['students:*', 'courses', 'S1', false],
    ['students:v*:item:S1', 'students', 'S1', true],
    ['students:v*:item:S1', 'students', 'S2', false],
    ['*:v*:item:S1', 'courses', 'S1', true],
    ['stud*', 'students', 'S1', true],
    ['*', 'courses', 'C9', true],
  ])('pattern %s matches the item key of %s/%s: %s', (pattern, entity, id, expected) => {
    expect(globToRegExp(keys.glob(pattern)).test(keys.entry(entity, 4, 'item', id))).toBe(expected);
  });

  it('matches namespace keys with an entity pattern, so invalidation finds the entities to move', () => {
    expect(globToRegExp(keys.glob('students:*')).test(keys.namespace('students'))).toBe(true);
    expect(globToRegExp(keys.glob('students:*')).test(keys.stats)).toBe(false);
  });
});

describe('globToRegExp (Redis MATCH semantics for the memory L2)', () => {
  it.each([
    ['students:*', 'students:v1:item:S1', true],
    ['students:*', 'courses:v1:item:S1', false],
    ['s?udents:ns', 'students:ns', true],
    ['s[tx]udents', 'students', true],
    ['s[^t]udents', 'students', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['{students}:*', '{students}:v1:item:S1', true],
  ])('%s against %s → %s', (glob, key, expected) => {
    expect(globToRegExp(glob).test(key)).toBe(expected);
  });
});
