import type { StoredItem } from '../../shared/store/entity-store.js';

/** ~20 hometowns, every one used; every 50th student has none (so it counts in no filter). */
export const HOMETOWNS = [
  'Hanoi',
  'Da Nang',
  'Hue',
  'Saigon',
  'Hai Phong',
  'Can Tho',
  'Nha Trang',
  'Vinh',
  'Da Lat',
  'Quy Nhon',
  'Lyon',
  'Paris',
  'Berlin',
  'Madrid',
  'Rome',
  'Tokyo',
  'Osaka',
  'Seoul',
  'Boston',
  'Austin',
];
const FIRST = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Emma',
  'Farid',
  'Giulia',
  'Hana',
  'Ivan',
  'José',
  'Khoa',
  'Lan',
  'Minh',
  'Noah',
  'Olga',
  'Phúc',
  'Quân',
  'Rosa',
  'Sara',
  'Tuấn',
];
/** One last name in ten is Nguyen: `search=nguyen` finds a page within ~100 items. */
const LAST = ['Nguyen', 'Tran', 'Le', 'Pham', 'Smith', 'García', 'Rossi', 'Sato', 'Petrov', "O'Brien"];
const CREATED_FROM = Date.UTC(2024, 0, 1);

/** A score 0–10 with 2 decimals from a cheap deterministic hash; null one time in 13. */
function score(i: number, k: number): number | null {
  if ((i + k) % 13 === 0) return null;
  return ((i * 7919 + k * 104_729) % 1001) / 100;
}

/** Student number `i` (0-based), the same on every run so a kept database matches. */
export function benchStudent(i: number): StoredItem {
  const created = new Date(CREATED_FROM + i * 1_000).toISOString();
  return {
    student_id: `ST${String(i + 1).padStart(6, '0')}`,
    first_name: FIRST[(i * 7) % FIRST.length]!,
    last_name: LAST[(i * 3 + Math.floor(i / 10)) % LAST.length]!,
    email: i % 10 === 9 ? null : `s${i + 1}@example.edu`,
    hometown: i % 50 === 49 ? null : HOMETOWNS[(i * 7 + Math.floor(i / 20)) % HOMETOWNS.length]!,
    math_score: score(i, 1),
    literature_score: score(i, 2),
    english_score: score(i, 3),
    created_at: created,
    updated_at: created,
    version: 1,
  };
}

/** Students `from`…`to - 1` in batches of `size`; never more than one batch in memory. */
export function* studentBatches(from: number, to: number, size: number): Generator<StoredItem[]> {
  for (let start = from; start < to; start += size) {
    const batch: StoredItem[] = [];
    for (let i = start; i < Math.min(to, start + size); i++) batch.push(benchStudent(i));
    yield batch;
  }
}
