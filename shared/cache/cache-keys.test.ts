import { describe, expect, it } from 'vitest';
import { CacheKeys, canonicalJson, queryHash } from './cache-keys.js';
import { globToRegExp } from './glob-pattern.js';

describe('cache keys', () => {
  const keys = new CacheKeys('rp:');

  it('lays keys out as DESIGN.md says, under the prefix', () => {
    expect(keys.entry('students', 3, 'item', 'S1')).toBe('rp:students:v3:item:S1');
    expect(keys.entry('students', 0, 'list', 'ab12')).toBe('rp:students:v0:list:ab12');
    expect(keys.namespace('students')).toBe('rp:students:ns');
  });

  it('classifies keys so that only entries are counted and removed', () => {
    expect(keys.classify('rp:students:v3:item:S1')).toEqual({ kind: 'entry', entity: 'students' });
    expect(keys.classify('rp:students:v12:list:ff')).toEqual({ kind: 'entry', entity: 'students' });
    expect(keys.classify('rp:students:ns')).toEqual({ kind: 'namespace', entity: 'students' });
    expect(keys.classify('rp:students:settling').kind).toBe('other');
    expect(keys.classify(keys.stats).kind).toBe('other');
    expect(keys.classify(keys.l1Size('c1')).kind).toBe('l1Size');
    expect(keys.classify('other:students:v3:item:S1').kind).toBe('other');
  });

  it('hashes a query the same whatever its member order, and differently when a value differs', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    expect(queryHash({ q: { sort: 'x', page_size: 10 }, p: 1 })).toBe(queryHash({ p: 1, q: { page_size: 10, sort: 'x' } }));
    expect(queryHash({ p: 1 })).not.toBe(queryHash({ p: 2 }));
    expect(queryHash({ p: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('escapes glob characters of the prefix', () => {
    expect(new CacheKeys('a*b?[c]\\:').glob('x*')).toBe('a\\*b\\?\\[c\\]\\\\:x*');
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
  ])('%s against %s → %s', (glob, key, expected) => {
    expect(globToRegExp(glob).test(key)).toBe(expected);
  });
});
