import { describe, expect, it } from 'vitest';
import { averageOf, gradeFor, students } from './students.entity.js';

describe('averageOf', () => {
  it.each([
    [[8.5, 7.5, 9.0], 8.33],
    [[10, 10, 10], 10],
    [[9.5, null, undefined], 9.5],
    [[0, 0, 0], 0],
    [[1, 2], 1.5],
    [[8.33, 8.34], 8.34], // 8.335 rounds half-up despite binary floats
    [[1.005, 1.005], 1.01],
    [[6.666, 6.667, 6.667], 6.67],
    [[7, null, 8], 7.5],
  ])('averages %j to %d (non-null only, 2 dp)', (scores, expected) => {
    expect(averageOf(scores)).toBe(expected);
  });

  it.each([[[]], [[null, null, null]], [[undefined, null]]])('is null when no score is present (%j)', (scores) => {
    expect(averageOf(scores)).toBeNull();
  });
});

describe('gradeFor', () => {
  it.each([
    [10, 'Excellent'],
    [8.33, 'Excellent'],
    [8.0, 'Excellent'],
    [7.99, 'Good'],
    [6.5, 'Good'],
    [6.49, 'Average'],
    [5.0, 'Average'],
    [4.99, 'Below Average'],
    [0, 'Below Average'],
  ])('grades %d as %s', (average, grade) => {
    expect(gradeFor(average)).toBe(grade);
  });

  it('is null without an average', () => {
    expect(gradeFor(null)).toBeNull();
  });

  it('grades the rounded average: 7.995 rounds to 8 and is Excellent', () => {
    expect(gradeFor(averageOf([7.99, 8]))).toBe('Excellent');
  });
});

describe('students.derive', () => {
  const stored = (scores: Record<string, number | null>) =>
    ({ student_id: 'S1', first_name: 'Đặng', last_name: 'Thu Hà', math_score: null, literature_score: null, english_score: null, ...scores }) as never;

  it('derives full_name, average_score and grade', () => {
    expect(students.derive(stored({ math_score: 8.5, literature_score: 7.5, english_score: 9 }))).toEqual({
      full_name: 'Đặng Thu Hà',
      average_score: 8.33,
      grade: 'Excellent',
    });
  });

  it('derives null average and grade when every score is null', () => {
    expect(students.derive(stored({}))).toEqual({ full_name: 'Đặng Thu Hà', average_score: null, grade: null });
  });
});

describe('students.createSchema', () => {
  const valid = { student_id: 'S001', first_name: 'An', last_name: 'Nguyen' };
  const parse = (input: Record<string, unknown>) => students.createSchema.safeParse({ ...valid, ...input });
  const paths = (input: Record<string, unknown>) => parse(input).error?.issues.map((issue) => issue.path.join('.'));

  it.each([
    [' s001 ', 'S001'],
    ['ab', 'AB'],
    ['x_y-9', 'X_Y-9'],
    ['A'.repeat(20), 'A'.repeat(20)],
  ])('normalises student_id %j to %j', (id, expected) => {
    const result = parse({ student_id: id });
    expect(result.success).toBe(true);
    expect(result.data?.student_id).toBe(expected);
  });

  it.each(['a', 'abc def', 'A'.repeat(21), '', '   ', 'ab#1', 'S/1', 'Đ1', 'a\nb'])('rejects student_id %j', (id) => {
    expect(paths({ student_id: id })).toEqual(['student_id']);
  });

  it('trims names and optional strings and fills nothing it was not given', () => {
    const result = parse({ first_name: '  An ', last_name: ' Nguyen  ', email: ' an@example.com ', hometown: ' Hanoi ' });
    expect(result.data).toEqual({ student_id: 'S001', first_name: 'An', last_name: 'Nguyen', email: 'an@example.com', hometown: 'Hanoi' });
  });

  it('accepts null for every nullable field', () => {
    const nulls = { email: null, hometown: null, math_score: null, literature_score: null, english_score: null };
    expect(parse(nulls).data).toEqual({ ...valid, ...nulls });
  });

  it.each([
    [{ first_name: '' }, 'first_name'],
    [{ first_name: '   ' }, 'first_name'],
    [{ last_name: 'x'.repeat(101) }, 'last_name'],
    [{ first_name: undefined }, 'first_name'],
    [{ email: 'nope' }, 'email'],
    [{ hometown: ' ' }, 'hometown'],
    [{ math_score: 10.01 }, 'math_score'],
    [{ literature_score: -0.5 }, 'literature_score'],
    [{ english_score: '7' }, 'english_score'],
    [{ version: 2 }, ''],
  ])('rejects %j', (input, path) => {
    expect(paths(input)).toEqual([path]);
  });

  it('accepts the score boundaries 0 and 10 and a 100-character name', () => {
    expect(parse({ math_score: 0, english_score: 10, first_name: 'x'.repeat(100) }).success).toBe(true);
  });
});

describe('students.updateSchema', () => {
  it('accepts any subset of the mutable fields', () => {
    expect(students.updateSchema.safeParse({}).success).toBe(true);
    expect(students.updateSchema.safeParse({ hometown: null, math_score: 5 }).data).toEqual({ hometown: null, math_score: 5 });
  });

  it.each([{ student_id: 'S1' }, { created_at: '2026-01-01T00:00:00Z' }, { full_name: 'X' }, { first_name: null }])('rejects %j', (input) => {
    expect(students.updateSchema.safeParse(input).success).toBe(false);
  });
});
