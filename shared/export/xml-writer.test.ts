import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { asyncItems, MemoryWritable } from '../../test/support/memory-writable.js';
import { studentView } from '../../test/support/student-views.js';
import { exportColumns } from './export-columns.js';
import { writeXml } from './xml-writer.js';
import { xmlChars } from './xml-text.js';

const columns = exportColumns(students);

/** Parses with a strict XML 1.0 parser (throws on anything not well-formed) into records. */
function parse(xml: string): Record<string, unknown>[] {
  const parser = new SaxesParser();
  const records: Record<string, unknown>[] = [];
  let current: Record<string, unknown> | undefined;
  let field: { name: string; nil: boolean; text: string } | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    if (tag.name === 'student') current = {};
    else if (current) field = { name: tag.name, nil: tag.attributes.nil === 'true', text: '' };
  });
  parser.on('text', (text) => {
    if (field) field.text += text;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'student') records.push(current!);
    else if (field && current) {
      const column = columns.find((c) => c.field === field!.name)!;
      current[field.name] = field.nil ? null : column.type === 'number' ? Number(field.text) : field.text;
      field = undefined;
    }
  });
  parser.write(xml).close();
  return records;
}

describe('XML export', () => {
  it('is well-formed and reads back to the same data for any text', async () => {
    const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });
    const items = fc.array(
      fc.tuple(studentView, anyText).map(([view, text]): Record<string, unknown> => ({ ...view, hometown: text })),
      { maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(items, async (list) => {
        const out = new MemoryWritable();
        await writeXml(asyncItems(list), columns, out, { root: 'students', item: 'student' });
        const expected = list.map((item) =>
          Object.fromEntries(columns.map((c) => [c.field, typeof item[c.field] === 'string' ? xmlChars(item[c.field] as string) : (item[c.field] ?? null)])),
        );
        expect(parse(out.text)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('escapes markup, keeps CR and replaces characters XML cannot carry', async () => {
    const out = new MemoryWritable();
    await writeXml(asyncItems([{ student_id: 'S1', first_name: '<b>&"\'', last_name: 'a\rb\u0001\uD800' }]), columns, out, {
      root: 'students',
      item: 'student',
    });
    expect(out.text).toContain('<first_name>&lt;b&gt;&amp;&quot;&apos;</first_name><last_name>a&#13;b\uFFFD\uFFFD</last_name><email nil="true"/>');
  });
});
