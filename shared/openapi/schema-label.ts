import type { JsonSchema } from './openapi-types.js';

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

/** Component name of a `$ref` (`Student`), or undefined for other nodes. */
export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref ? COMPONENT_REF.exec(schema.$ref)?.[1] : undefined;
}

/** Short type of a JSON Schema node for humans: `string`, `number | null`, `Student[]`. */
export function schemaType(schema: JsonSchema): string {
  const name = refName(schema);
  if (name) return name;
  const members = schema.anyOf ?? schema.oneOf;
  if (members) return members.map(schemaType).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `${schema.items ? schemaType(schema.items) : 'any'}[]`;
  if (schema.type) return schema.type;
  return schema.enum ? 'enum' : 'any';
}

/** Validation rules of a node (and of its anyOf members): `length 1–100`, `0 ≤ x ≤ 10`. */
export function schemaConstraints(schema: JsonSchema): string[] {
  const members = schema.anyOf ?? schema.oneOf;
  if (members) return members.flatMap(schemaConstraints);
  const rules: string[] = [];
  const range = (min: unknown, max: unknown, label: string) => {
    if (min !== undefined && max !== undefined) rules.push(`${min} ≤ ${label} ≤ ${max}`);
    else if (min !== undefined) rules.push(`${label} ≥ ${min}`);
    else if (max !== undefined) rules.push(`${label} ≤ ${max}`);
  };
  range(schema.minLength, schema.maxLength, 'length');
  range(schema.minimum, schema.maximum, 'x');
  range(schema.minItems, schema.maxItems, 'items');
  if (schema.exclusiveMinimum !== undefined) rules.push(`x > ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) rules.push(`x < ${schema.exclusiveMaximum}`);
  if (schema.format !== undefined) rules.push(`format ${schema.format}`);
  // A format already says what its (long, generated) pattern checks.
  else if (schema.pattern !== undefined) rules.push(`pattern ${schema.pattern}`);
  if (schema.enum) rules.push(`one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  if (schema.default !== undefined) rules.push(`default ${JSON.stringify(schema.default)}`);
  return rules;
}

/** A node's description, also when zod put it on an anyOf member. */
export function schemaDescription(schema: JsonSchema): string | undefined {
  return schema.description ?? (schema.anyOf ?? schema.oneOf)?.map(schemaDescription).find(Boolean);
}
