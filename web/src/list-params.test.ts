import { describe, expect, it } from 'vitest';
import { CursorTrail, listQuery, sortOptions } from './list-params.js';

describe('listQuery', () => {
  it('sends the same filters with every cursor, and nothing empty', () => {
    const filters = { search: '  thu hà ', hometown: '', sort: '-average_score', pageSize: 25 };
    expect(listQuery(filters, null)).toBe('page_size=25&search=thu+h%C3%A0&sort=-average_score');
    expect(new URLSearchParams(listQuery(filters, 'c1')).get('cursor')).toBe('c1');
  });
});

describe('CursorTrail', () => {
  it('walks forward with next cursors and back to the first page', () => {
    const trail = new CursorTrail();
    expect([trail.current, trail.pageNumber, trail.hasPrevious]).toEqual([null, 1, false]);
    trail.next('a');
    trail.next('b');
    expect([trail.current, trail.pageNumber]).toEqual(['b', 3]);
    trail.previous();
    expect(trail.current).toBe('a');
    trail.previous();
    trail.previous();
    expect([trail.current, trail.pageNumber]).toEqual([null, 1]);
    trail.next('x');
    trail.reset();
    expect(trail.pageNumber).toBe(1);
  });
});

describe('sortOptions', () => {
  it('labels each declared sort with its direction', () => {
    expect(sortOptions(['average_score', '-average_score'])).toEqual([
      { value: 'average_score', label: 'Average score, ascending' },
      { value: '-average_score', label: 'Average score, descending' },
    ]);
  });
});
