import { describe, expect, it } from 'vitest';
import { parseEntityArgs, singularOf, SpecError } from './entity-spec.js';

const parse = (...argv: string[]) => parseEntityArgs(argv);
const refusal = (...argv: string[]) => {
  try {
    parseEntityArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseEntityArgs', () => {
  it('reads the issue’s example: key, required and nullable fields', () => {
    expect(parse('courses', '--fields', 'id:string:key,title:string,credits:int?')).toEqual({
      name: 'courses',
      singular: 'course',
      idField: 'id',
      fields: [
        { name: 'title', type: 'string', nullable: false },
        { name: 'credits', type: 'int', nullable: true },
      ],
      filters: [],
      sorts: [],
      cache: false,
      events: false,
    });
  });

  it('takes filters and sorts repeated or comma-separated, and --with-cache', () => {
    const spec = parse(
      'courses',
      '--fields',
      'code:string:key, title:string, level:string?, credits:int',
      '--filter',
      'level',
      '--sort',
      'credits,title',
      '--with-cache',
    );
    expect(spec).toMatchObject({ idField: 'code', filters: ['level'], sorts: ['credits', 'title'], cache: true });
  });

  it('takes an explicit singular', () => {
    expect(parse('people', '--singular', 'person', '--fields', 'id:string:key,name:string').singular).toBe('person');
  });

  it.each([
    [['Courses'], /bad entity name 'Courses'/],
    [['my-courses'], /bad entity name 'my-courses'/],
    [['courses__old'], /bad entity name/],
    [['1courses'], /bad entity name/],
    [[`${'x'.repeat(41)}s`], /at most 40 characters/],
    [['data'], /cannot tell the singular of 'data'/],
  ])('refuses the name %j', ([name], message) => {
    expect(refusal(name!, '--fields', 'id:string:key,title:string')).toMatch(message);
  });

  it.each([
    ['id:string:key,title:text', /unknown type 'text' for field 'title': one of string, email, int, number, boolean, date, datetime/],
    ['id:string:key,title', /unknown type '\(none\)' for field 'title'/],
    ['title:string,credits:int', /no key: mark exactly one string field with ":key"/],
    ['id:string:key,code:string:key', /one key only \(got id, code\)/],
    ['id:int:key,title:string', /the key 'id' must be a non-nullable string/],
    ['id:string?:key,title:string', /non-nullable string/],
    ['id:string:key', /at least one field besides the key/],
    ['id:string:key,title:string,title:int', /field 'title' is declared twice/],
    ['id:string:key,Title:string', /bad field name 'Title'/],
    ['id:string:key,version:int', /field name 'version' is reserved/],
    ['id:string:key,page:int', /field name 'page' is reserved/],
    ['id:string:key,title:string:unique', /unknown modifier 'unique'/],
    ['', /--fields declares no field/],
  ])('refuses --fields %j', (fields, message) => {
    expect(refusal('courses', '--fields', fields)).toMatch(message);
  });

  it.each([
    [['--filter', 'nope'], /--filter names unknown field 'nope'/],
    [['--filter', 'credits'], /--filter credits: filters match text exactly, so the field must be string or email \(it is int\)/],
    [['--filter', 'id'], /the key is read by GET/],
    [['--sort', 'nope'], /--sort names unknown field 'nope'/],
    [['--sort', 'id'], /already sorts by the key/],
    [['--sort', 'title', '--sort', 'title'], /--sort title is given twice/],
  ])('refuses %j', (options, message) => {
    expect(refusal('courses', '--fields', 'id:string:key,title:string,credits:int', ...options)).toMatch(message);
  });

  it('refuses more indexes than DynamoDB allows per table, and accepts exactly 20', () => {
    const fields = 'id:string:key,a:string,b:string,c:string,d:int,e:int';
    expect(refusal('courses', '--fields', fields, '--filter', 'a,b,c', '--sort', 'd,e,a,b')).toMatch(
      /3 filter\(s\) × 6 sorts .* need 24 indexes; DynamoDB allows 20/,
    );
    expect(parse('courses', '--fields', fields, '--filter', 'a,b,c', '--sort', 'd,e,a').sorts).toEqual(['d', 'e', 'a']);
  });

  it('reads --with-events', () => {
    expect(parse('courses', '--fields', 'id:string:key,title:string', '--with-events').events).toBe(true);
    expect(parse('courses', '--fields', 'id:string:key,title:string').events).toBe(false);
  });

  it.each([[[]], [['a', 'b']], [['courses', '--nope']]])('refuses the command line %j', (argv) => {
    expect(() => parseEntityArgs([...argv, '--fields', 'id:string:key,t:string'])).toThrow(SpecError);
  });

  it('requires --fields', () => {
    expect(refusal('courses')).toMatch(/--fields is required/);
  });
});

describe('singularOf', () => {
  it.each([
    ['courses', 'course'],
    ['categories', 'category'],
    ['classes', 'class'],
    ['boxes', 'box'],
    ['lab_results', 'lab_result'],
    ['keys', 'key'],
  ])('%s → %s', (plural, singular) => {
    expect(singularOf(plural)).toBe(singular);
  });
});
