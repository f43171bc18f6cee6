import { describe, expect, it } from 'vitest';
import { addVary } from './vary.js';

describe('addVary', () => {
  it('creates a lower-case vary header when there is none', () => {
    expect(addVary({ 'content-type': 'application/json' }, 'Origin')).toEqual({ 'content-type': 'application/json', vary: 'Origin' });
  });

  it('appends a field after the ones already present, comma-separated', () => {
    expect(addVary({ vary: 'Authorization' }, 'Origin')).toEqual({ vary: 'Authorization, Origin' });
    expect(addVary(addVary({}, 'Authorization'), 'Origin')).toEqual({ vary: 'Authorization, Origin' });
  });

  it.each([
    ['the same spelling', 'Origin', 'Origin'],
    ['another letter case', 'origin', 'Origin'],
    ['surrounding spaces', '  Origin ', 'Origin'],
  ])('does not add a field that is already listed (%s)', (_, present, field) => {
    const headers = { vary: `Authorization, ${present}` };
    expect(addVary(headers, field)).toEqual(headers);
  });

  it('keeps the existing header name when a handler spelled it `Vary`', () => {
    const result = addVary({ Vary: 'Authorization' }, 'Origin');
    expect(result).toEqual({ Vary: 'Authorization, Origin' });
    expect(Object.keys(result).filter((name) => name.toLowerCase() === 'vary')).toEqual(['Vary']);
  });

  it('leaves `Vary: *` alone: everything already varies', () => {
    expect(addVary({ vary: '*' }, 'Accept-Encoding')).toEqual({ vary: '*' });
  });

  it('drops empty list members instead of producing ", ," runs', () => {
    expect(addVary({ vary: ' , Authorization,, ' }, 'Origin')).toEqual({ vary: 'Authorization, Origin' });
    expect(addVary({ vary: '' }, 'Origin')).toEqual({ vary: 'Origin' });
  });

  it('does not mutate the headers it was given', () => {
    const headers = { vary: 'Authorization' };
    addVary(headers, 'Origin');
    expect(headers).toEqual({ vary: 'Authorization' });
  });

  it('keeps the other headers untouched', () => {
    expect(addVary({ etag: '"1"', 'cache-control': 'no-store', 'content-length': 12, 'x-flag': true }, 'Origin')).toEqual({
      etag: '"1"',
      'cache-control': 'no-store',
      'content-length': 12,
      'x-flag': true,
      vary: 'Origin',
    });
  });
});
