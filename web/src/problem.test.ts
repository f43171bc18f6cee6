import { describe, expect, it } from 'vitest';
import { fieldErrors } from './problem.js';

describe('fieldErrors', () => {
  it('puts body errors under their field and keeps the rest general', () => {
    const result = fieldErrors(
      {
        status: 422,
        errors: [
          { loc: ['body', 'math_score'], msg: 'Too big', type: 'too_big' },
          { loc: ['body', 'math_score'], msg: 'Also bad', type: 'x' },
          { loc: ['body', 'nickname'], msg: 'Unknown field', type: 'extra_forbidden' },
          { loc: ['query', 'sort'], msg: 'Bad sort', type: 'enum' },
        ],
      },
      ['math_score', 'email'],
    );
    expect(Object.fromEntries(result.byField)).toEqual({ math_score: ['Too big', 'Also bad'] });
    expect(result.other).toEqual(['body.nickname: Unknown field', 'query.sort: Bad sort']);
  });
  it('reads the query fields of a GET form when asked, and leaves body errors general then', () => {
    const result = fieldErrors(
      {
        status: 422,
        errors: [
          { loc: ['query', 'user_id'], msg: 'Too short', type: 'too_small' },
          { loc: ['body', 'user_id'], msg: 'Not from the form', type: 'x' },
        ],
      },
      ['user_id'],
      'query',
    );
    expect(Object.fromEntries(result.byField)).toEqual({ user_id: ['Too short'] });
    expect(result.other).toEqual(['body.user_id: Not from the form']);
  });
  it('is empty for a problem without errors', () => {
    expect(fieldErrors({ status: 409 }, ['email'])).toEqual({ byField: new Map(), other: [] });
  });
});
