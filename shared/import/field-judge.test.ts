import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { students } from '../students/students.entity.js';
import { createFieldJudge, Refusal } from './field-judge.js';
import { ASK_ZOD, compileFieldValidator } from './field-validator.js';

const shape = students.createSchema.shape as Record<string, z.ZodMiniType>;
const fields = Object.keys(shape);

/** What the import stored before: zod's value, or its first message. */
function viaZod(schema: z.ZodMiniType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : new Refusal(parsed.error.issues[0]?.message);
}

/** Cell text mixing what the students schemas care about: ids, names, emails, spaces, controls, bidi, surrogates. */
const cellText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '0',
      '-',
      '_',
      ' ',
      '@',
      '.',
      'é',
      'ễ',
      '\u0301',
      '\t',
      '\u0000',
      '\u007f',
      '\u202e',
      '\u2067',
      '\ud800',
      '\ufdd0',
      '\uffff',
      '\u00a0',
    ),
    maxLength: 24,
  }),
  fc.emailAddress(),
  fc.constantFrom('ST000001', ' st-01 ', 'Nguyễn Thị Hương', 'x'.repeat(101), '😀'.repeat(100), '😀'.repeat(101), 'a@b.co', 'not-an-email'),
);
const cellNumber = fc.oneof(fc.double(), fc.constantFrom(0, -0, 10, 10.0001, -0.5, Number.NaN, Number.POSITIVE_INFINITY));

describe('createFieldJudge', () => {
  it.each(fields)('gives exactly safeParse’s value or first message for %s', (field) => {
    const schema = shape[field]!;
    const remembered = createFieldJudge(schema, { remember: true });
    const plain = createFieldJudge(schema, { remember: false });
    fc.assert(
      fc.property(fc.oneof(cellText, cellNumber), (value) => {
        const expected = viaZod(schema, value);
        expect(remembered(value)).toEqual(expected);
        expect(plain(value)).toEqual(expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it('mirrors the students schemas, so accepted cells skip zod’s machinery', () => {
    for (const field of fields) expect(compileFieldValidator(shape[field]!), field).toBeTypeOf('function');
    expect(compileFieldValidator(shape.student_id!)!(' st-01 ')).toBe('ST-01');
    expect(compileFieldValidator(shape.first_name!)!('a\u202eb')).toBe(ASK_ZOD);
  });

  it('leaves schemas it does not mirror to zod, with the same answers', () => {
    const schemas = [z.coerce.number(), z.iso.datetime(), z.enum(['a', 'b']), z.string().check(z.refine(async () => true))];
    expect(schemas.map((schema) => compileFieldValidator(schema))).toEqual([undefined, undefined, undefined, expect.any(Function)]);
    const judge = createFieldJudge(z.enum(['a', 'b']), { remember: true });
    expect(judge('a')).toBe('a');
    expect(judge('c')).toBeInstanceOf(Refusal);
    expect(() => createFieldJudge(schemas[3]!, { remember: false })('x')).toThrow();
  });
});
