import { describe, expect, it } from 'vitest';
import { etagOf, expectedVersion } from './etag.js';

describe('etagOf', () => {
  it.each([
    [1, '"1"'],
    [42, '"42"'],
  ])('makes version %i the strong ETag %s', (version, etag) => {
    expect(etagOf(version)).toBe(etag);
  });

  it('round-trips through expectedVersion', () => {
    for (const version of [1, 7, 123456]) expect(expectedVersion(etagOf(version))).toEqual([version]);
  });
});

describe('expectedVersion', () => {
  it.each([undefined, '', '   '])('expects nothing without an If-Match (%j)', (header) => {
    expect(expectedVersion(header)).toBeUndefined();
  });

  it.each([
    ['"3"', [3]],
    [' "3" ', [3]],
    ['"0012"', [12]],
    ['*', '*'],
    [' * ', '*'],
    ['"3", *', '*'],
    ['W/"3", "4"', [4]],
    ['"1", "2"', [1, 2]],
  ])('reads %j as %j', (header, expected) => {
    expect(expectedVersion(header)).toEqual(expected);
  });

  it.each(['W/"3"', '3', '"abc"', '"3', "'3'", '"-1"', '"1.5"', '"1234567890123456"', 'W/"1", W/"2"'])(
    'never matches %j (strong comparison only)',
    (header) => {
      expect(expectedVersion(header)).toEqual([]);
    },
  );
});
