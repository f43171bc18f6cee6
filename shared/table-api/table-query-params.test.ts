import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { paramsAsBody } from './table-query-params.js';

describe('paramsAsBody', () => {
  it('turns field=value into exact matches typed by the schema, and pages with sort/limit/cursor/fields', () => {
    const { body } = paramsAsBody(students, { hometown: 'Hanoi', math_score: '8', sort: '-last_name', limit: '5', fields: 'first_name, math_score' });
    expect(body).toEqual({
      input: { and: [{ hometown: { eq: 'Hanoi' } }, { math_score: { eq: 8 } }] },
      sort: '-last_name',
      limit: 5,
      fields: ['first_name', 'math_score'],
    });
  });

  it('reads field[op]=value, with comma lists for in and between and booleans for exists', () => {
    expect(paramsAsBody(students, { 'math_score[gte]': '8.5' }).body.input).toEqual({ math_score: { gte: 8.5 } });
    expect(paramsAsBody(students, { 'math_score[between]': '5,8' }).body.input).toEqual({ math_score: { between: [5, 8] } });
    expect(paramsAsBody(students, { 'hometown[in]': 'Hue, Hanoi' }).body.input).toEqual({ hometown: { in: ['Hue', 'Hanoi'] } });
    expect(paramsAsBody(students, { 'hometown[exists]': 'false' }).body.input).toEqual({ hometown: { exists: false } });
  });

  it('leaves a value that does not fit its field as text, and locates errors at the parameter', () => {
    const { body, locate } = paramsAsBody(students, { hometown: 'Hue', 'math_score[gt]': 'high', limit: 'many' });
    expect(body.input).toEqual({ and: [{ hometown: { eq: 'Hue' } }, { math_score: { gt: 'high' } }] });
    expect(body.limit).toBe('many');
    expect(locate(['body', 'input', 'and', 1, 'math_score', 'gt'])).toEqual(['query', 'math_score[gt]']);
    expect(locate(['body', 'limit'])).toEqual(['query', 'limit']);
    expect(paramsAsBody(students, { shoe_size: '42' }).locate(['body', 'input', 'shoe_size'])).toEqual(['query', 'shoe_size']);
  });
});
