import * as z from 'zod/mini';
import { defineEntity } from '../entity/define-entity.js';
import { plainText } from '../entity/plain-text.js';
import { sortBy } from '../entity/sort-keys.js';

const name = plainText(1, 100);
const score = z.nullable(z.number().check(z.minimum(0), z.maximum(10)));

/** Grade bands of the original system, applied to the rounded average. */
export function gradeFor(average: number | null): string | null {
  if (average === null) return null;
  if (average >= 8.0) return 'Excellent';
  if (average >= 6.5) return 'Good';
  if (average >= 5.0) return 'Average';
  return 'Below Average';
}

/** Mean of the non-null scores rounded half-up to 2 dp; null when there are none. */
export function averageOf(scores: (number | null | undefined)[]): number | null {
  const present = scores.filter((value): value is number => typeof value === 'number');
  if (present.length === 0) return null;
  const mean = present.reduce((sum, value) => sum + value, 0) / present.length;
  // Work in hundredths with an epsilon so 8.335 rounds to 8.34 despite binary floats.
  return Math.round(mean * 100 + 1e-9) / 100;
}

/** THE students declaration: every route, table, index and doc is derived from it. */
export const students = defineEntity({
  name: 'students',
  singular: 'student',
  idField: 'student_id',
  id: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[A-Za-z0-9_-]{2,20}$/, '2-20 characters of letters, digits, _ or -'),
      z.toUpperCase(),
      z.describe('Immutable key; stored upper-cased'),
    ),
  fields: {
    first_name: name,
    last_name: name,
    email: z.nullable(z.string().check(z.trim(), z.maxLength(254), z.email())),
    hometown: z.nullable(plainText(1, 100)),
    math_score: score,
    literature_score: score,
    english_score: score,
  },
  requiredOnCreate: ['first_name', 'last_name'],
  derived: {
    full_name: z.string(),
    average_score: z.nullable(z.number()).check(z.describe('Mean of the non-null scores, 2 dp')),
    grade: z.nullable(z.enum(['Excellent', 'Good', 'Average', 'Below Average'])),
  },
  derive: (student) => {
    const average = averageOf([student.math_score, student.literature_score, student.english_score]);
    return {
      full_name: `${student.first_name} ${student.last_name}`,
      average_score: average,
      grade: gradeFor(average) as 'Excellent' | 'Good' | 'Average' | 'Below Average' | null,
    };
  },
  list: {
    sorts: {
      student_id: sortBy.exact('student_id'),
      first_name: sortBy.text('first_name'),
      last_name: sortBy.text('last_name'),
      average_score: sortBy.decimal('average_score', 2),
      created_at: sortBy.exact('created_at'),
    },
    defaultSort: 'student_id',
    filters: {
      hometown: { field: 'hometown', description: 'Case-insensitive exact match on hometown' },
    },
    searchFields: ['student_id', 'first_name', 'last_name', 'email'],
  },
  // Reads are cached for a minute; a write invalidates its item and the list pages, so the
  // TTL only bounds how long an entry survives when nothing changes. Another container may
  // serve its in-memory copy for up to 500 ms after a write (docs/cache.md).
  cache: { ttlSeconds: 60, l1StaleMs: 500 },
  // A 1M-row import in ~100 s; real rosters put about a third of students in one city.
  capacity: { writesPerSecond: 10_000, skew: { hometown: 0.35 } },
  // The original system's spreadsheet rules (docs/import.md).
  import: {
    aliases: {
      student_id: ['Student ID', 'studentid', 'ID', 'Student Number', 'Student No'],
      first_name: ['First Name', 'firstname', 'Given Name'],
      last_name: ['Last Name', 'lastname', 'Surname', 'Family Name'],
      email: ['Email', 'E-mail', 'Email Address'],
      hometown: ['Hometown', 'Home Town', 'City'],
      math_score: ['Math', 'Maths', 'Math Score', 'Mathematics'],
      literature_score: ['Literature', 'Lit', 'Literature Score'],
      english_score: ['English', 'English Score'],
    },
    defaults: { hometown: 'Unknown', email: null },
    nullWhenInvalid: ['math_score', 'literature_score', 'english_score'],
  },
  export: {
    columns: ['student_id', 'first_name', 'last_name', 'email', 'hometown', 'math_score', 'literature_score', 'english_score', 'average_score', 'grade'],
    sheetName: 'Students',
    aliases: ['/api/v1/export'],
  },
  statistics: {
    scores: ['math_score', 'literature_score', 'english_score'],
    overall: 'average_score',
    bands: { field: 'grade', values: ['Excellent', 'Good', 'Average', 'Below Average'] },
    groupBy: 'hometown',
    scale: { min: 0, max: 10 },
  },
});

export type Student = z.infer<typeof students.responseSchema>;
