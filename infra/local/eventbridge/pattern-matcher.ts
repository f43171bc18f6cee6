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
  const compiled = isCompiled(pattern) ? pattern : compileEventPattern(pattern);
  return compiled.branches.some((branch) => matchNode(branch, event));
}

function isCompiled(pattern: unknown): pattern is CompiledPattern {
  return isObject(pattern) && Array.isArray(pattern.branches) && pattern.branches.every((branch) => isObject(branch) && branch.children instanceof Map);
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
    const elements = flatten(value);
    if (node.leaf && !matchLeaf(node.leaf, elements.filter(isLeafValue))) return false;
    if (node.children.size === 0) return true;
    // Every field below this point must come from the same array element.
    return elements.length === 0 ? matchChildren(node, undefined) : elements.some((element) => matchChildren(node, element));
  }
  if (node.leaf && !matchLeaf(node.leaf, isLeafValue(value) ? [value] : [])) return false;
  return matchChildren(node, value);
}

function matchChildren(node: PatternNode, value: unknown): boolean {
  for (const [name, child] of node.children) {
    const field = isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
    if (!matchNode(child, field)) return false;
  }
  return true;
}

/** `values` are the leaf values at the field; none means the field is absent (or not a leaf). */
function matchLeaf(leaf: PatternLeaf, values: LeafValue[]): boolean {
  if (values.length === 0) return leaf.existsFalse;
  if (leaf.existsTrue) return true;
  return values.some((value) => leaf.matchers.some((matcher) => matcher(value)));
}
