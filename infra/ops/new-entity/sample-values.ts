import type { FieldSpec, FieldType } from './entity-spec.js';

/** A valid value of each type, as a client sends it and as the API answers it (strings are trimmed). */
const SAMPLE: Record<FieldType, (field: string) => unknown> = {
  string: (field) => `Sample ${field.replaceAll('_', ' ')}`,
  email: () => 'ana@example.com',
  int: () => 3,
  number: () => 2.5,
  boolean: () => true,
  date: () => '2026-01-15',
  datetime: () => '2026-01-15T10:00:00Z',
};

/** Another valid value, different from the sample (for a patch). */
const OTHER: Record<FieldType, (field: string) => unknown> = {
  string: (field) => `Changed ${field.replaceAll('_', ' ')}`,
  email: () => 'binh@example.com',
  int: () => 4,
  number: () => 7.25,
  boolean: () => false,
  date: () => '2026-02-20',
  datetime: () => '2026-02-20T08:30:00Z',
};

/** Values of each type in ascending sort order (booleans have two). */
const ASCENDING: Record<FieldType, unknown[]> = {
  string: ['Alpha', 'bravo', 'Charlie'],
  email: ['a@example.com', 'b@example.com', 'c@example.com'],
  int: [1, 20, 300],
  number: [0.5, 12.25, 300],
  boolean: [false, true],
  date: ['2026-01-01', '2026-02-01', '2026-03-01'],
  datetime: ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'],
};

/** Values a field of each type must refuse (422). */
const INVALID: Record<FieldType, unknown[]> = {
  string: ['', 'x'.repeat(201), 'bell\u0007', 42],
  email: ['not-an-email', 42],
  int: [1.5, '3'],
  number: ['2.5', true],
  boolean: ['yes', 1],
  date: ['2026-13-01', '15/01/2026'],
  datetime: ['yesterday', '2026-01-15'],
};

export const sampleOf = (field: FieldSpec): unknown => SAMPLE[field.type](field.name);
export const otherOf = (field: FieldSpec): unknown => OTHER[field.type](field.name);
export const ascendingOf = (field: FieldSpec): unknown[] => ASCENDING[field.type];
/** Invalid values of a field; a sorted number also refuses a negative one (its sort key cannot encode it). */
export const invalidOf = (field: FieldSpec, sorted: boolean): unknown[] => [
  ...INVALID[field.type],
  ...(sorted && (field.type === 'int' || field.type === 'number') ? [-1] : []),
];
