import { compileEventPattern, type CompiledPattern, type PatternLeaf, type PatternNode } from './compile-event-pattern.js';
import type { LeafValue } from './value-matchers.js';

type JsonObject = Record<string, unknown>;

const isLeafValue = (value: unknown): value is LeafValue =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether `event` (parsed JSON) matches `pattern` (a JSON string, object or compiled
 * pattern), with EventBridge's semantics: fields AND, values OR, arrays in the event match
 * when any element does (fields from one array element at a time), `exists` on leaf values
 * only. Throws `InvalidEventPatternError` for a pattern EventBridge would refuse.
 */
export function matchesEventPattern(pattern: string | object | CompiledPattern, event: unknown): boolean {
  return matchesCompiled(isCompiled(pattern) ? pattern : compileEventPattern(pattern), event);
}

/** `matchesEventPattern` for a pattern compiled once (`compileEventPattern`): the bus's hot path. */
export function matchesCompiled(compiled: CompiledPattern, event: unknown): boolean {
  for (const branch of compiled.branches) if (matchNode(branch, event)) return true;
  return false;
}

function isCompiled(pattern: unknown): pattern is CompiledPattern {
  return isObject(pattern) && Array.isArray(pattern.branches) && pattern.branches.every((branch) => isObject(branch) && Array.isArray(branch.fields));
}

/** Elements of nested arrays, in order (`[[1, 2], [3]]` → 1, 2, 3). */
function flatten(values: unknown[], into: unknown[] = []): unknown[] {
  for (const value of values) {
    if (Array.isArray(value)) flatten(value, into);
    else into.push(value);
  }
  return into;
}

function matchNode(node: PatternNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = value.some(Array.isArray) ? flatten(value) : value;
    if (node.leaf && !matchLeafElements(node.leaf, elements)) return false;
    if (node.fields.length === 0) return true;
    // Every field below this point must come from the same array element.
    if (elements.length === 0) return matchChildren(node, undefined);
    for (const element of elements) if (matchChildren(node, element)) return true;
    return false;
  }
  if (node.leaf && !(isLeafValue(value) ? matchLeafValue(node.leaf, value) : node.leaf.existsFalse)) return false;
  return matchChildren(node, value);
}

function matchChildren(node: PatternNode, value: unknown): boolean {
  const object = isObject(value) ? value : undefined;
  for (let i = 0; i < node.fields.length; i++) {
    const [name, child] = node.fields[i]!;
    if (!matchNode(child, object === undefined ? undefined : fieldOf(object, name))) return false;
  }
  return true;
}

/** An own field of a parsed JSON object; inherited members (`constructor`, …) are not fields. */
function fieldOf(object: JsonObject, name: string): unknown {
  const field = object[name];
  if (field === undefined) return undefined;
  return typeof field === 'function' || (name === '__proto__' && !Object.hasOwn(object, name)) ? undefined : field;
}

function matchLeafValue(leaf: PatternLeaf, value: LeafValue): boolean {
  if (leaf.existsTrue) return true;
  for (const matcher of leaf.matchers) if (matcher(value)) return true;
  return false;
}

/** The leaf values among `elements` (objects are not leaves); none means the field is absent. */
function matchLeafElements(leaf: PatternLeaf, elements: readonly unknown[]): boolean {
  let present = false;
  for (const element of elements) {
    if (!isLeafValue(element)) continue;
    present = true;
    if (matchLeafValue(leaf, element)) return true;
  }
  return !present && leaf.existsFalse;
}
