import { describe, expect, it } from 'vitest';
import { entityFunctions } from '../entity/entity-functions.js';
import { students } from '../students/students.entity.js';
import { describePlan, planQuery } from './query-plan.js';
import { parseWhere } from './where.js';

const plan = (where: unknown, sort?: { field: string; descending: boolean }) =>
  describePlan(planQuery(students, parseWhere(students, where), { segments: 4, sort }), 1000);

describe('planQuery', () => {
  it('answers an id eq with a GetItem, also inside an and, and an id in with a BatchGet of the distinct ids', () => {
    expect(plan({ student_id: { eq: 'S1' } })).toBe('get');
    expect(plan({ and: [{ math_score: { gt: 3 } }, { student_id: { eq: 'S1' } }] })).toBe('get');
    expect(plan({ student_id: { in: ['S1', 'S2', 'S1'] } }, { field: 'last_name', descending: false })).toBe('batch-get(2)');
  });

  it('uses the sort index when a sort is given, inside the filter partitions when the where pins a filter value', () => {
    expect(plan({ math_score: { between: [3, 7] } }, { field: 'last_name', descending: true })).toBe('index(all_by_last_name, shards=20)');
    expect(plan({ and: [{ hometown: { eq: 'Hanoi' } }, { math_score: { gt: 3 } }] })).toBe('index(hometown_by_student_id, shards=7)');
    const pinned = planQuery(students, parseWhere(students, { hometown: { eq: '  HANOI ' } }), { sort: { field: 'first_name', descending: false } });
    expect(pinned).toMatchObject({ kind: 'Index', value: 'hanoi', descending: false, index: { name: 'hometown_by_first_name' } });
  });

  it('turns a begins_with on a declared sort field into a key condition of its index, in the filter partitions when pinned', () => {
    expect(plan({ last_name: { begins_with: 'Ng' } })).toBe('index(all_by_last_name, shards=20, begins_with=last_name)');
    expect(plan({ and: [{ math_score: { gt: 3 } }, { student_id: { begins_with: 'S1' } }] }, { field: 'student_id', descending: true })).toBe(
      'index(all_by_student_id, shards=20, begins_with=student_id)',
    );
    expect(plan({ and: [{ hometown: { eq: 'Hue' } }, { first_name: { begins_with: 'An' } }] })).toBe(
      'index(hometown_by_first_name, shards=7, begins_with=first_name)',
    );
    // Text sort keys are folded: the key prefix is the lower-cased text, a superset the where narrows.
    expect(planQuery(students, parseWhere(students, { last_name: { begins_with: 'Ng' } }))).toMatchObject({ prefix: { field: 'last_name', key: 'ng' } });
  });

  it('keeps a requested sort on another field, and scans a begins_with no sort key encodes as a prefix', () => {
    expect(plan({ last_name: { begins_with: 'Ng' } }, { field: 'first_name', descending: false })).toBe('index(all_by_first_name, shards=20)');
    expect(plan({ last_name: { begins_with: 'Đặng' } })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ hometown: { begins_with: 'Ha' } })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ last_name: { begins_with: '' } })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ or: [{ last_name: { begins_with: 'Ng' } }] })).toBe('scan(parallel=4, budget=1000)');
  });

  it('scans when nothing narrows the read: or, not, ne, a null filter value, ranges without a sort', () => {
    expect(plan({ or: [{ student_id: { eq: 'S1' } }, { hometown: { eq: 'Hue' } }] })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ not: { student_id: { eq: 'S1' } } })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ hometown: { eq: null } })).toBe('scan(parallel=4, budget=1000)');
    expect(plan({ math_score: { between: [3, 7] } })).toBe('scan(parallel=4, budget=1000)');
  });
});

describe('the query function declaration', () => {
  it('is derived for every entity: POST {collection}/query, the list permission, the four read actions and the cursor secret', () => {
    const fn = entityFunctions(students).find((candidate) => candidate.operation?.name === 'query');
    expect(fn).toMatchObject({
      id: 'students-query',
      entry: 'functions/students/query.ts',
      routes: [{ method: 'POST', path: '/api/v1/students/query' }],
      permission: students.permissions.list,
      tables: [{ table: 'students', actions: ['GetItem', 'BatchGetItem', 'Query', 'Scan'] }],
      cursorSecret: true,
      cacheControl: 'no-store',
    });
  });
});
