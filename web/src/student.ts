/** A student as `GET /api/v1/students/{id}` returns it (docs/students-api.md). */
export interface Student {
  student_id: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string | null;
  hometown: string | null;
  math_score: number | null;
  literature_score: number | null;
  english_score: number | null;
  average_score: number | null;
  grade: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One page of `GET /api/v1/students`. */
export interface StudentPage {
  items: Student[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
  /** True when a search answered before it had counted everything: `total` is an estimate. */
  total_estimated?: true;
  has_next: boolean;
  has_prev: boolean;
  next_cursor: string | null;
}

export interface FormField {
  name: 'student_id' | 'first_name' | 'last_name' | 'email' | 'hometown' | 'math_score' | 'literature_score' | 'english_score';
  label: string;
  kind: 'text' | 'email' | 'score';
  /** Empty means null (rather than an empty string the API refuses). */
  nullable?: boolean;
  hint?: string;
}

/** The editable fields, in form order. */
export const STUDENT_FIELDS: readonly FormField[] = [
  { name: 'student_id', label: 'Student ID', kind: 'text', hint: '2–20 letters, digits, _ or -; cannot be changed later' },
  { name: 'first_name', label: 'First name', kind: 'text' },
  { name: 'last_name', label: 'Last name', kind: 'text' },
  { name: 'email', label: 'E-mail', kind: 'email', nullable: true },
  { name: 'hometown', label: 'Hometown', kind: 'text', nullable: true },
  { name: 'math_score', label: 'Math score', kind: 'score', nullable: true, hint: '0 to 10, or empty' },
  { name: 'literature_score', label: 'Literature score', kind: 'score', nullable: true, hint: '0 to 10, or empty' },
  { name: 'english_score', label: 'English score', kind: 'score', nullable: true, hint: '0 to 10, or empty' },
];

/**
 * A form value as the API expects it. Scores accept a decimal comma; text that is not a
 * number is sent as typed so that the API's own validation explains what is wrong.
 */
export function fieldValue(field: FormField, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return field.nullable ? null : '';
  if (field.kind !== 'score') return text;
  const normalised = text.replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : text;
}

/** What the table shows for an empty value. */
export const EMPTY = '—';

export function display(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? EMPTY : String(value);
}
