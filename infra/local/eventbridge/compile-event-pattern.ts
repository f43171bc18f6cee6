import { InvalidEventPatternError } from './invalid-event-pattern-error.js';
import {
  anythingBut,
  cidr,
  equalsIgnoreCase,
  exactValue,
  type LeafValue,
  type NumericOperator,
  numericRange,
  patternNumber,
  prefix,
  suffix,
  type ValueMatcher,
  wildcard,
} from './value-matchers.js';

/** What one field's value array asks for: any matcher, or the field's presence/absence. */
export interface PatternLeaf {
  matchers: ValueMatcher[];
  existsTrue: boolean;
  existsFalse: boolean;
}

/** One conjunction of the pattern as a tree of field names (`$or` expanded away). */
export interface PatternNode {
  leaf?: PatternLeaf;
  children: Map<string, PatternNode>;
  /** `children` as an array: iterated on every match, faster than the Map. */
  fields: [string, PatternNode][];
}

/** A validated pattern: it matches when any branch matches. */
export interface CompiledPattern {
  branches: PatternNode[];
}

const OR = '$or';
/** Operator names that cannot be field names inside `$or` (event-ruler's reserved words). */
const OPERATORS = new Set(['exact', 'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
/** Field path → leaf, per branch (the branches of the disjunctive normal form). */
type Branch = Map<string, { path: string[]; leaf: PatternLeaf }>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates an EventBridge event pattern and compiles it, following event-ruler's rule
 * compiler (the library EventBridge matches with): the same accepted syntax and, for what it
 * refuses, the same reasons, thrown as `InvalidEventPatternError`.
 */
export function compileEventPattern(pattern: string | object): CompiledPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new InvalidEventPatternError((error as Error).message, '');
    }
  }
  if (!isObject(parsed)) throw new InvalidEventPatternError('Filter is not an object', '$');
  let branches: Branch[] = [];
  branches = compileObject(parsed as JsonObject, [], branches, false);
  return { branches: branches.map(toTree) };
}

function fail(reason: string, path: readonly (string | number)[]): never {
  throw new InvalidEventPatternError(reason, `$${path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('')}`);
}

function compileObject(object: JsonObject, path: string[], branches: Branch[], insideOr: boolean): Branch[] {
  const keys = Object.keys(object);
  if (keys.length === 0) fail('Empty objects are not allowed', path);
  for (const key of keys) {
    const value = object[key]!;
    if (key === OR) {
      branches = compileOr(value, path, branches);
      continue;
    }
    if (insideOr && OPERATORS.has(key)) fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, [...path, key]);
    if (Array.isArray(value)) {
      const leaf = compileLeaf(value, [...path, key]);
      if (branches.length === 0) branches.push(new Map());
      const fieldPath = [...path, key];
      for (const branch of branches) branch.set(fieldPath.join('\u0000'), { path: fieldPath, leaf });
    } else if (isObject(value)) {
      branches = compileObject(value, [...path, key], branches, insideOr);
    } else {
      fail(`"${key}" must be an object or an array`, [...path, key]);
    }
  }
  return branches;
}

function compileOr(value: Json, path: string[], branches: Branch[]): Branch[] {
  if (!Array.isArray(value)) fail('It must be an Array followed with $or.', [...path, OR]);
  const expanded: Branch[] = [];
  value.forEach((alternative, index) => {
    if (!isObject(alternative)) fail('Only JSON object is allowed in array of $or relationship.', [...path, OR, index]);
    const copies = branches.length === 0 ? [new Map() as Branch] : branches.map((branch) => new Map(branch));
    expanded.push(...compileObject(alternative, path, copies, true));
  });
  if (value.length < 2) fail('There must have at least 2 Objects in $or relationship.', [...path, OR]);
  return expanded;
}

function toTree(branch: Branch): PatternNode {
  const root: PatternNode = { children: new Map(), fields: [] };
  for (const { path, leaf } of branch.values()) {
    let node = root;
    for (const step of path) {
      let child = node.children.get(step);
      if (!child) {
        child = { children: new Map(), fields: [] };
        node.children.set(step, child);
        node.fields.push([step, child]);
      }
      node = child;
    }
    node.leaf = leaf;
  }
  return root;
}

function compileLeaf(values: Json[], path: (string | number)[]): PatternLeaf {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  const leaf: PatternLeaf = { matchers: [], existsTrue: false, existsFalse: false };
  values.forEach((value, index) => {
    const at = [...path, index];
    if (isObject(value)) {
      if ('exists' in value && Object.keys(value)[0] === 'exists') {
        if (typeof value.exists !== 'boolean') fail('exists match pattern must be either true or false.', at);
        onlyOneKey(value, at);
        if (value.exists) leaf.existsTrue = true;
        else leaf.existsFalse = true;
      } else {
        leaf.matchers.push(compileExpression(value, at));
      }
    } else if (Array.isArray(value)) {
      fail('Match value must be String, number, true, false, or null', at);
    } else {
      leaf.matchers.push(exactValue(value as LeafValue));
    }
  });
  return leaf;
}

function onlyOneKey(expression: JsonObject, at: (string | number)[], message = 'Only one key allowed in match expression'): void {
  if (Object.keys(expression).length > 1) fail(message, at);
}

/** Runs a matcher constructor, turning its validation error into the pattern error. */
function guarded<T>(at: (string | number)[], build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw error;
    return fail((error as Error).message, at);
  }
}

function compileExpression(expression: JsonObject, at: (string | number)[]): ValueMatcher {
  const name = Object.keys(expression)[0];
  if (name === undefined) fail('Match expression name not found', at);
  const value = expression[name]!;
  const where = [...at, name];
  let matcher: ValueMatcher;
  switch (name) {
    case 'exact':
      if (typeof value !== 'string') fail('exact match pattern must be a string', where);
      matcher = (candidate) => candidate === value;
      break;
    case 'prefix':
    case 'suffix':
      matcher = compileAffix(name, value, where);
      break;
    case 'equals-ignore-case':
      if (typeof value !== 'string') fail('equals-ignore-case match pattern must be a string', where);
      matcher = equalsIgnoreCase(value);
      break;
    case 'wildcard':
      if (typeof value !== 'string') fail('wildcard match pattern must be a string', where);
      matcher = guarded(where, () => wildcard(value));
      break;
    case 'numeric':
      if (!Array.isArray(value)) fail('Value of numeric must be an array.', where);
      matcher = guarded(where, () => numericRange(numericConditions(value, where)));
      onlyOneKey(expression, at, 'Too many elements in numeric expression');
      return matcher;
    case 'anything-but':
      matcher = compileAnythingBut(value, where);
      onlyOneKey(expression, at, 'Too many elements in numeric expression');
      return matcher;
    case 'cidr':
      // event-ruler's message for a non-string CIDR really says "prefix".
      if (typeof value !== 'string') fail('prefix match pattern must be a string', where);
      matcher = guarded(where, () => cidr(value));
      break;
    default:
      fail(`Unrecognized match type ${name}`, where);
  }
  onlyOneKey(expression, at);
  return matcher;
}

function compileAffix(name: 'prefix' | 'suffix', value: Json, where: (string | number)[]): ValueMatcher {
  const build = name === 'prefix' ? prefix : suffix;
  if (typeof value === 'string') return build(value);
  if (!isObject(value)) fail(`${name} match pattern must be a string`, where);
  const inner = Object.keys(value)[0];
  if (inner === undefined) fail(`${name === 'prefix' ? 'Prefix' : 'Suffix'} expression name not found`, where);
  if (inner !== 'equals-ignore-case') fail(`Unsupported ${name} pattern: ${inner}`, [...where, inner]);
  const text = value[inner];
  if (typeof text !== 'string') fail('equals-ignore-case match pattern must be a string', [...where, inner]);
  onlyOneKey(value, where);
  return build(text, true);
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function numericConditions(terms: Json[], where: (string | number)[]): { operator: NumericOperator; bound: number }[] {
  const [operator, bound, upperOperator, upperBound] = terms;
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${JSON.stringify(operator ?? ']')}`, where);
  if (!NUMERIC_OPERATORS.has(operator)) fail(`Unrecognized numeric range operator: ${operator}`, where);
  const label = operator === '=' ? 'equals' : operator;
  if (typeof bound !== 'number') fail(`Value of ${label} must be numeric`, where);
  const first = { operator: operator as NumericOperator, bound };
  if (operator === '=' || operator === '<' || operator === '<=') {
    if (terms.length > 2) fail('Too many elements in numeric expression', where);
    return [first];
  }
  if (terms.length === 2) return [first];
  if (typeof upperOperator !== 'string') fail(`Bad value in numeric range: ${JSON.stringify(upperOperator)}`, where);
  if (upperOperator !== '<' && upperOperator !== '<=') fail(`Bad numeric range operator: ${upperOperator}`, where);
  if (typeof upperBound !== 'number') fail(`Value of ${upperOperator} must be numeric`, where);
  if (terms.length > 4) fail('Too many terms in numeric range expression', where);
  guarded(where, () => {
    if (patternNumber(bound) >= patternNumber(upperBound)) throw new Error('Bottom must be less than top');
  });
  return [first, { operator: upperOperator, bound: upperBound }];
}

const ANYTHING_BUT_SETS = {
  'equals-ignore-case': equalsIgnoreCase,
  prefix: (text: string) => prefix(text),
  suffix: (text: string) => suffix(text),
  wildcard,
} as const;
const NOT_A_STRING: Record<keyof typeof ANYTHING_BUT_SETS, string> = {
  'equals-ignore-case': 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  prefix: 'prefix/suffix match pattern must be a string',
  suffix: 'prefix/suffix match pattern must be a string',
  wildcard: 'wildcard match pattern must be a string',
};

function compileAnythingBut(value: Json, where: (string | number)[]): ValueMatcher {
  if (isObject(value)) {
    const kind = Object.keys(value)[0];
    if (kind === undefined) fail('Anything-But expression name not found', where);
    if (!(kind in ANYTHING_BUT_SETS)) fail(`Unsupported anything-but pattern: ${kind}`, [...where, kind]);
    const key = kind as keyof typeof ANYTHING_BUT_SETS;
    const inner = value[key]!;
    const at = [...where, key];
    if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
      fail('Value of anything-but must be an array or single string/number value.', at);
    }
    const texts = Array.isArray(inner) ? inner : [inner];
    const excluded = texts.map((text, index) => {
      if (typeof text !== 'string') fail(NOT_A_STRING[key], Array.isArray(inner) ? [...at, index] : at);
      if ((key === 'prefix' || key === 'suffix') && text === '') fail('Null prefix/suffix not allowed', at);
      return guarded(at, () => ANYTHING_BUT_SETS[key](text));
    });
    onlyOneKey(value, where, 'Too many elements in numeric expression');
    return anythingBut(excluded);
  }
  if (typeof value === 'string') return anythingBut([(candidate) => candidate === value]);
  if (typeof value === 'number') return anythingBut([guarded(where, () => numericRange([{ operator: '=', bound: value }]))]);
  if (!Array.isArray(value)) fail('Value of anything-but must be an array or single string/number value.', where);
  const strings = value.filter((item) => typeof item === 'string');
  const numbers = value.filter((item) => typeof item === 'number');
  value.forEach((item, index) => {
    if (typeof item !== 'string' && typeof item !== 'number') fail('Inside anything but list, start|null|boolean is not supported.', [...where, index]);
  });
  if (strings.length > 0 === numbers.length > 0) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported', where);
  }
  if (numbers.length > 0) return anythingBut(numbers.map((bound) => guarded(where, () => numericRange([{ operator: '=', bound }]))));
  const set = new Set(strings);
  return anythingBut([(candidate) => typeof candidate === 'string' && set.has(candidate)]);
}
