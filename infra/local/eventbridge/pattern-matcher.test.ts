import { describe, expect, it } from 'vitest';
import { compileEventPattern } from './compile-event-pattern.js';
import { matchesEventPattern } from './pattern-matcher.js';

const match = (pattern: object, event: unknown) => matchesEventPattern(pattern, event);

describe('matchesEventPattern: value types', () => {
  it('compares numbers numerically, never with strings', () => {
    expect(match({ n: [300] }, { n: 3e2 })).toBe(true);
    expect(match({ n: [300] }, { n: 300.0000001 })).toBe(false);
    expect(match({ n: [300] }, { n: '300' })).toBe(false);
    expect(match({ n: ['300'] }, { n: 300 })).toBe(false);
  });

  it('matches numbers beyond the numeric range exactly (account ids)', () => {
    expect(match({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
    expect(match({ account: [123456789012] }, { account: 123456789013 })).toBe(false);
    expect(match({ n: [{ numeric: ['>', 0] }] }, { n: 6e9 })).toBe(false);
  });

  it('keeps booleans and null apart from their string forms', () => {
    expect(match({ b: [true] }, { b: true })).toBe(true);
    expect(match({ b: [true] }, { b: 'true' })).toBe(false);
    expect(match({ b: ['false'] }, { b: false })).toBe(false);
    expect(match({ b: [null] }, { b: 'null' })).toBe(false);
  });

  it('compares an IP literal as an address', () => {
    expect(match({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
    expect(match({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
    expect(match({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe(false);
  });

  it('applies prefix, suffix, wildcard and ignore-case to strings only', () => {
    expect(match({ n: [{ prefix: '1' }] }, { n: 123 })).toBe(false);
    expect(match({ n: [{ suffix: '3' }] }, { n: 123 })).toBe(false);
    expect(match({ n: [{ wildcard: '*' }] }, { n: 123 })).toBe(false);
    expect(match({ n: [{ wildcard: '*' }] }, { n: '' })).toBe(true);
    expect(match({ n: [{ 'equals-ignore-case': 'TRUE' }] }, { n: true })).toBe(false);
  });

  it('lets anything-but match values of other types, null included', () => {
    expect(match({ s: [{ 'anything-but': 'a' }] }, { s: 5 })).toBe(true);
    expect(match({ s: [{ 'anything-but': [1, 2] }] }, { s: 'one' })).toBe(true);
    expect(match({ s: [{ 'anything-but': { prefix: 'a' } }] }, { s: null })).toBe(true);
    expect(match({ s: [{ 'anything-but': 'a' }] }, {})).toBe(false);
  });

  it('treats wildcard metacharacters of regular expressions literally', () => {
    expect(match({ f: [{ wildcard: 'a.b(c)*' }] }, { f: 'a.b(c)d' })).toBe(true);
    expect(match({ f: [{ wildcard: 'a.b(c)*' }] }, { f: 'axb(c)d' })).toBe(false);
  });
});

describe('matchesEventPattern: structure', () => {
  it('matches any element of an event array, anything-but included', () => {
    expect(match({ tags: ['b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(match({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a', 'b'] })).toBe(true);
    expect(match({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a'] })).toBe(false);
  });

  it('treats an empty array like an absent field', () => {
    expect(match({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
    expect(match({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
  });

  it('sees a nested field under a scalar or an absent parent as absent', () => {
    expect(match({ a: { b: [{ exists: false }] } }, { a: 5 })).toBe(true);
    expect(match({ a: { b: [{ exists: false }] } }, {})).toBe(true);
    expect(match({ a: { b: ['x'] } }, { a: 'x' })).toBe(false);
  });

  it('never reads inherited properties as fields', () => {
    expect(match({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(match({ toString: [{ exists: false }] }, {})).toBe(true);
  });

  it('ORs the values of one field and ANDs the fields', () => {
    const pattern = { a: ['1', { prefix: 'x' }, { exists: false }], b: ['2'] };
    expect(match(pattern, { a: 'xy', b: '2' })).toBe(true);
    expect(match(pattern, { b: '2' })).toBe(true);
    expect(match(pattern, { a: 'z', b: '2' })).toBe(false);
    expect(match(pattern, { a: '1' })).toBe(false);
  });

  it('accepts a compiled pattern, so a bus compiles each rule once', () => {
    const compiled = compileEventPattern({ source: ['records.orders'] });
    expect(matchesEventPattern(compiled, { source: 'records.orders' })).toBe(true);
    expect(matchesEventPattern(compiled, { source: 'records.payments' })).toBe(false);
  });
});
