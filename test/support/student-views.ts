import fc from 'fast-check';
import { students } from '../../shared/students/students.entity.js';

/** Text a spreadsheet user could type, formula triggers, quotes, separators and accents included. */
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.constantFrom('=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tTab', '\rCR', 'Nguyễn Thị Hương', 'Đặng "Bé" Ánh, Jr.', "O'Neil", 'line\nbreak', "'=already"),
);
const score = fc.option(
  fc.integer({ min: 0, max: 1000 }).map((hundredths) => hundredths / 100),
  { nil: null },
);

/** A student response view (stored + derived fields) with arbitrary text. */
export const studentView = fc
  .record({
    student_id: fc.stringMatching(/^[A-Z0-9_-]{2,20}$/),
    first_name: hostileText,
    last_name: hostileText,
    email: fc.option(fc.emailAddress(), { nil: null }),
    hometown: fc.option(hostileText, { nil: null }),
    math_score: score,
    literature_score: score,
    english_score: score,
  })
  .map((stored) => ({ ...stored, ...students.derive(stored as never) }) as Record<string, unknown>);
