import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/app-error.js';
import { parseWhere } from '../query/where.js';
import { students } from '../students/students.entity.js';
import { compatWhere, relocating } from './compat-where.js';

/** The v1 parser's 422 locations for `input`, mapped back through the translation. */
function locationsOf(input: unknown): (string | number)[][] {
  const { where, locate } = compatWhere(input);
  try {
    parseWhere(students, where, []);
  } catch (error) {
    return (error as ValidationError).errors.map((detail) => locate(detail.loc));
  }
  return [];
}

describe('compatWhere', () => {
  it('matches scalars exactly, lists by in, and requires every key', () => {
    expect(compatWhere({ hometown: 'Hanoi' }).where).toEqual({ hometown: { eq: 'Hanoi' } });
    expect(compatWhere({ hometown: 'Hanoi', math_score: [8, 9] }).where).toEqual({ and: [{ hometown: { eq: 'Hanoi' } }, { math_score: { in: [8, 9] } }] });
    expect(compatWhere({ hometown: null }).where).toEqual({ hometown: { eq: null } });
  });

  it('passes v1 conditions and combinators through unchanged', () => {
    const v1 = { or: [{ math_score: { gte: 8 } }, { hometown: { begins_with: 'Ha' } }] };
    expect(compatWhere(v1).where).toEqual(v1);
    expect(compatWhere({ math_score: { between: [5, 8] }, hometown: 'Hue' }).where).toEqual({
      and: [{ math_score: { between: [5, 8] } }, { hometown: { eq: 'Hue' } }],
    });
  });

  it('means no where for nothing or an empty object', () => {
    expect(compatWhere(undefined).where).toBeUndefined();
    expect(compatWhere(null).where).toBeUndefined();
    expect(compatWhere({}).where).toBeUndefined();
  });

  it('locates the v1 errors at the keys the client wrote', () => {
    expect(locationsOf({ shoe_size: 42 })).toEqual([['shoe_size']]);
    expect(locationsOf({ hometown: 'Hue', math_score: 'high' })).toEqual([['math_score']]);
    expect(locationsOf({ hometown: 'Hue', math_score: [8, 'x'] })).toEqual([['math_score', 1]]);
    expect(locationsOf({ hometown: 'Hue', math_score: { like: 8 } })).toEqual([['math_score', 'like']]);
    expect(locationsOf('everything')).toEqual([[]]);
  });
});

describe('relocating', () => {
  it('rewrites the locations of a ValidationError and passes anything else through', async () => {
    const map = (loc: (string | number)[]) => ['query', ...loc.slice(1)];
    await expect(
      relocating(map, () => Promise.reject(new ValidationError([{ loc: ['body', 'limit'], msg: 'too big', type: 'too_big' }]))),
    ).rejects.toMatchObject({
      errors: [{ loc: ['query', 'limit'], msg: 'too big', type: 'too_big' }],
    });
    await expect(relocating(map, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await relocating(map, () => 7)).toBe(7);
  });
});
