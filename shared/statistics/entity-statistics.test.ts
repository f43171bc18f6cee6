import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { createStatisticsAccumulator } from './entity-statistics.js';

const score = fc.option(
  fc.integer({ min: 0, max: 1000 }).map((hundredths) => hundredths / 100),
  { nil: null },
);
const hometown = fc.option(fc.constantFrom('Hanoi', 'hanoi ', 'Huế', 'HUẾ', 'Đà Nẵng', 'Can Tho', 'Hai Phong'), { nil: null });
const student: fc.Arbitrary<StudentInput> = fc.record({ math_score: score, literature_score: score, english_score: score, hometown });

/** What a student view holds, derived the way the entity derives it. */
interface StudentInput {
  math_score: number | null;
  literature_score: number | null;
  english_score: number | null;
  hometown: string | null;
}
const view = (input: StudentInput) => ({
  ...input,
  ...students.derive({ ...input, first_name: 'A', last_name: 'B' } as never),
});

/** Textbook definitions over a sorted copy: what the histogram must reproduce exactly. */
function bruteForce(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: null, median: null, std: null, min: null, max: null, q1: null, q3: null };
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  };
  const std = n > 1 ? Math.sqrt(sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { count: n, mean, median: q(0.5), std, min: sorted[0], max: sorted[n - 1], q1: q(0.25), q3: q(0.75) };
}

function expectClose(actual: Record<string, number | null>, expected: Record<string, number | null | undefined>) {
  for (const [key, value] of Object.entries(expected)) {
    if (value === null || value === undefined) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(value, 9);
  }
}

describe('one-pass entity statistics', () => {
  it('matches a brute-force computation for any set of students', () => {
    fc.assert(
      fc.property(fc.array(student, { maxLength: 300 }), (inputs) => {
        const items = inputs.map(view);
        const stats = createStatisticsAccumulator(students);
        for (const item of items) stats.observe(item);
        const result = stats.result();
        expect(result.count).toBe(items.length);
        for (const field of ['math_score', 'literature_score', 'english_score'] as const) {
          const values = items.map((item) => item[field]).filter((v): v is number => v !== null);
          expectClose(result.subjects[field] as never, bruteForce(values));
        }
        const averages = items.map((item) => item.average_score).filter((v): v is number => v !== null);
        expectClose({ overall: result.overall_average }, { overall: bruteForce(averages).mean });
        for (const band of ['Excellent', 'Good', 'Average', 'Below Average']) {
          expect(result.grade_distribution[band]).toBe(items.filter((item) => item.grade === band).length);
        }
        expect(result.ungraded).toBe(items.filter((item) => item.grade === null).length);
        const byTown = new Map<string, number>();
        for (const item of items) if (item.hometown) byTown.set(item.hometown.trim().toLowerCase(), (byTown.get(item.hometown.trim().toLowerCase()) ?? 0) + 1);
        expect(result.distinct_groups).toBe(byTown.size);
        expect(result.top_groups.map((group) => group.count)).toEqual([...byTown.values()].sort((a, b) => b - a).slice(0, 20));
      }),
      { numRuns: 200 },
    );
  });

  it('groups hometowns case-insensitively under their first spelling and keeps the top 20', () => {
    const stats = createStatisticsAccumulator(students);
    for (const hometown of ['Huế', 'HUẾ ', 'huế', 'Hanoi', 'hanoi', 'Đà Nẵng'])
      stats.observe(view({ math_score: 5, literature_score: null, english_score: null, hometown }));
    for (let i = 0; i < 30; i++)
      stats.observe(view({ math_score: 5, literature_score: null, english_score: null, hometown: `Town ${String(i).padStart(2, '0')}` }));
    const { top_groups, distinct_groups } = stats.result();
    expect(top_groups.slice(0, 3)).toEqual([
      { value: 'Huế', count: 3 },
      { value: 'Hanoi', count: 2 },
      { value: 'Đà Nẵng', count: 1 },
    ]);
    expect(top_groups).toHaveLength(20);
    expect(distinct_groups).toBe(33);
  });

  it('reports nulls, not zeros, for a subject nobody has a score in', () => {
    const stats = createStatisticsAccumulator(students);
    stats.observe(view({ math_score: 7, literature_score: null, english_score: null, hometown: null }));
    const { subjects } = stats.result();
    expect(subjects.literature_score).toEqual({ count: 0, mean: null, median: null, std: null, min: null, max: null, q1: null, q3: null });
    expect(subjects.math_score).toMatchObject({ count: 1, mean: 7, median: 7, std: null, q1: 7, q3: 7 });
  });
});
