import { describe, expect, it } from 'vitest';
import { compileEventPattern } from './compile-event-pattern.js';
import { InvalidEventPatternError } from './invalid-event-pattern-error.js';

/** Patterns event-ruler's JsonRuleCompiler (EventBridge's matcher) refuses, with its reasons. */
const invalid: [string, string, string][] = [
  ['a pattern that is not JSON', '{"source": ', 'JSON'],
  ['a top-level array', '["aws.ec2"]', 'Filter is not an object'],
  ['an empty pattern', '{}', 'Empty objects are not allowed'],
  ['an empty nested object', '{"detail": {}}', 'Empty objects are not allowed'],
  ['a bare value instead of an array', '{"source": "aws.ec2"}', '"source" must be an object or an array'],
  ['an empty value array', '{"source": []}', 'Empty arrays are not allowed'],
  ['an array inside the value array', '{"source": [["aws.ec2"]]}', 'Match value must be String, number, true, false, or null'],
  ['an unknown operator', '{"source": [{"prefixx": "aws."}]}', 'Unrecognized match type prefixx'],
  ['an empty match expression', '{"source": [{}]}', 'Match expression name not found'],
  ['two operators in one expression', '{"source": [{"prefix": "a", "suffix": "b"}]}', 'Only one key allowed in match expression'],
  ['a numeric prefix', '{"source": [{"prefix": 1}]}', 'prefix match pattern must be a string'],
  ['prefix with an unknown modifier', '{"source": [{"prefix": {"wildcard": "a*"}}]}', 'Unsupported prefix pattern: wildcard'],
  ['suffix ignore-case with a number', '{"source": [{"suffix": {"equals-ignore-case": 1}}]}', 'equals-ignore-case match pattern must be a string'],
  ['equals-ignore-case with a number', '{"source": [{"equals-ignore-case": 1}]}', 'equals-ignore-case match pattern must be a string'],
  ['consecutive wildcards', '{"source": [{"wildcard": "a**b"}]}', 'Consecutive wildcard characters at pos 1'],
  ['a backslash escaping a letter', '{"source": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 1'],
  ['exists with a string', '{"source": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.'],
  ['numeric not an array', '{"n": [{"numeric": 5}]}', 'Value of numeric must be an array.'],
  ['numeric without an operator', '{"n": [{"numeric": [5]}]}', 'Invalid member in numeric match: 5'],
  ['an unknown numeric operator', '{"n": [{"numeric": ["!=", 5]}]}', 'Unrecognized numeric range operator: !='],
  ['a non-numeric bound', '{"n": [{"numeric": [">", "5"]}]}', 'Value of > must be numeric'],
  ['equals with a second condition', '{"n": [{"numeric": ["=", 5, "<", 6]}]}', 'Too many elements in numeric expression'],
  ['an upper bound first', '{"n": [{"numeric": ["<", 5, ">", 1]}]}', 'Too many elements in numeric expression'],
  ['two lower bounds', '{"n": [{"numeric": [">", 1, ">=", 2]}]}', 'Bad numeric range operator: >='],
  ['a range whose bottom is not below its top', '{"n": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top'],
  ['more than 6 decimals', '{"n": [{"numeric": ["=", 1.0000001]}]}', 'Only values upto 6 decimals are supported'],
  ['a bound beyond 5e9', '{"n": [{"numeric": ["<", 5000000001]}]}', 'Value must be between -5000000000 and 5000000000, inclusive'],
  ['anything-but boolean', '{"s": [{"anything-but": true}]}', 'Value of anything-but must be an array or single string/number value.'],
  ['anything-but empty list', '{"s": [{"anything-but": []}]}', 'either all values are number or string, mixed type is not supported'],
  ['anything-but mixed list', '{"s": [{"anything-but": ["a", 1]}]}', 'either all values are number or string, mixed type is not supported'],
  ['anything-but list with null', '{"s": [{"anything-but": ["a", null]}]}', 'Inside anything but list, start|null|boolean is not supported.'],
  ['anything-but unknown modifier', '{"s": [{"anything-but": {"numeric": [">", 1]}}]}', 'Unsupported anything-but pattern: numeric'],
  ['anything-but empty prefix', '{"s": [{"anything-but": {"prefix": ""}}]}', 'Null prefix/suffix not allowed'],
  ['anything-but numeric suffix', '{"s": [{"anything-but": {"suffix": 1}}]}', 'prefix/suffix match pattern must be a string'],
  ['anything-but ignore-case number', '{"s": [{"anything-but": {"equals-ignore-case": [1]}}]}', 'Inside anything-but/equals-ignore-case list'],
  ['anything-but bad wildcard', '{"s": [{"anything-but": {"wildcard": ["*/lib/**"]}}]}', 'Consecutive wildcard characters'],
  ['cidr without a mask', '{"ip": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
  ['cidr with a word mask', '{"ip": [{"cidr": "10.0.0.0/x"}]}', 'Malformed CIDR, mask bits must be an integer'],
  ['cidr /32', '{"ip": [{"cidr": "10.0.0.1/32"}]}', 'IPv4 mask bits must be < 32'],
  ['cidr /128', '{"ip": [{"cidr": "::1/128"}]}', 'IPv6 mask bits must be < 128'],
  ['cidr of a host name', '{"ip": [{"cidr": "example.com/24"}]}', 'Nonstandard IP address: example.com'],
  ['cidr not a string', '{"ip": [{"cidr": 10}]}', 'prefix match pattern must be a string'],
  ['$or not an array', '{"$or": {"a": ["b"]}}', 'It must be an Array followed with $or.'],
  ['$or with one object', '{"$or": [{"a": ["b"]}]}', 'There must have at least 2 Objects in $or relationship.'],
  ['$or with a string', '{"$or": [{"a": ["b"]}, "c"]}', 'Only JSON object is allowed in array of $or relationship.'],
  [
    'an operator name as a field inside $or',
    '{"$or": [{"numeric": [1]}, {"prefix": ["a"]}]}',
    'numeric is Ruler reserved fieldName which cannot be used inside $or.',
  ],
];

describe('compileEventPattern: patterns EventBridge refuses', () => {
  it.each(invalid)('refuses %s', (_name, pattern, reason) => {
    let thrown: unknown;
    try {
      compileEventPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPatternError);
    const error = thrown as InvalidEventPatternError;
    expect(error.name).toBe('InvalidEventPatternException');
    expect(error.message.startsWith('Event pattern is not valid. Reason: ')).toBe(true);
    expect(error.message).toContain(reason);
  });

  it('says where in the pattern the problem is', () => {
    expect(() => compileEventPattern({ detail: { state: ['ok', { prefix: 3 }] } })).toThrow(/at \$\.detail\.state\[1\]\.prefix$/);
  });

  it.each([
    [
      'every documented operator at once',
      {
        a: [
          'x',
          1,
          true,
          null,
          { prefix: 'p' },
          { suffix: 's' },
          { 'equals-ignore-case': 'E' },
          { wildcard: 'w*' },
          { exists: true },
          { cidr: '10.0.0.0/8' },
          { numeric: ['>=', -5e9, '<', 5e9] },
          { 'anything-but': { prefix: 'q' } },
        ],
      },
    ],
    ['$or nested in $or', { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }] }],
    ['a CIDR not aligned to its mask', { ip: [{ cidr: '10.0.0.5/24' }] }],
    ['a duplicate key (the last one wins)', '{"a": ["x"], "a": ["y"]}'],
  ])('accepts %s', (_name, pattern) => {
    expect(compileEventPattern(pattern).branches.length).toBeGreaterThan(0);
  });

  it('expands $or into one branch per alternative, and nested $or multiplies them', () => {
    expect(compileEventPattern({ s: ['a'], $or: [{ a: ['1'] }, { b: ['2'] }, { c: ['3'] }] }).branches).toHaveLength(3);
    expect(compileEventPattern({ $or: [{ a: ['1'] }, { b: ['2'] }], d: { $or: [{ x: ['1'] }, { y: ['2'] }] } }).branches).toHaveLength(4);
  });
});
