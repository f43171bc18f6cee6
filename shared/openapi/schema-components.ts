import * as z from 'zod/mini';
import type { JsonSchema } from './openapi-types.js';

type Io = 'input' | 'output';

const COMPONENTS = '#/components/schemas/';

/**
 * Collects `components.schemas` while zod schemas are converted with `z.toJSONSchema`.
 * Schemas carrying a meta `id` (StudentCreate, Student …) are extracted and referenced;
 * everything else is inlined. The same name converted twice must yield the same JSON.
 */
export function createSchemaComponents() {
  const schemas: Record<string, JsonSchema> = {};

  function add(name: string, schema: JsonSchema): void {
    const existing = schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      // Happens when one named schema is used for both input and output and they differ.
      throw new Error(`openapi: schema '${name}' converts differently in two places`);
    }
    schemas[name] = schema;
  }

  function convert(schema: z.core.$ZodType, io: Io): JsonSchema {
    const {
      $defs,
      $schema: _dialect,
      ...root
    } = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      override: dropSafeIntegerBounds,
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, def] of Object.entries($defs ?? {})) add(name, rewriteRefs(def));
    return rewriteRefs(root);
  }

  return {
    /** JSON Schema of `schema`; a root with a meta id becomes a `$ref` to its component. */
    schema: convert,
    /** Like `schema`, but the root is returned inline even when it has an id (query objects). */
    inline(schema: z.core.$ZodType, io: Io): JsonSchema {
      const before = new Set(Object.keys(schemas));
      const converted = convert(schema, io);
      const name = converted.$ref?.slice(COMPONENTS.length);
      if (!name) return converted;
      const resolved = schemas[name] as JsonSchema;
      if (!before.has(name)) delete schemas[name];
      return resolved;
    },
    /** Registers an unnamed schema as component `name` and returns a `$ref` to it. */
    named(name: string, schema: z.core.$ZodType, io: Io): JsonSchema {
      add(name, convert(schema, io));
      return ref(name);
    },
    /** The collected components, sorted by name so the document is stable. */
    all(): Record<string, JsonSchema> {
      return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}

export function ref(name: string): JsonSchema {
  return { $ref: `${COMPONENTS}${name}` };
}

/** `z.int()` emits ±2^53-1 bounds that only add noise to the document. */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

function rewriteRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(rewriteRefs) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? value.replace('#/$defs/', COMPONENTS) : rewriteRefs(value);
  }
  return out as T;
}
