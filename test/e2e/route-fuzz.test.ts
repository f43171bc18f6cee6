import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { expectNoLeak } from './support/problem-assertions.js';
import { rawRequest } from './support/raw-http.js';
import { bearer } from './support/tokens.js';

/**
 * Property: for EVERY documented operation (the OpenAPI document the registry builds), inputs
 * generated from its own parameter and body schemas — valid, out of range, mistyped, extra,
 * missing, hostile — never get a 5xx or a stack trace, and every error is problem+json.
 * `npm test` runs a fixed seed; `npm run fuzz` runs long with a fresh seed (FUZZ_RUNS, FUZZ_SEED).
 */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20_261_203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
/** Operations that render or stream whole results (seconds each on a busy machine): fewer runs in `npm test`. */
const HEAVY = /\/(export|charts|statistics|visualizations|bulk-import)\b/;
const runsOf = (operation: Operation) => (HEAVY.test(operation.path) && !process.env.FUZZ_RUNS ? 3 : RUNS);
const PROBLEM = 'application/problem+json; charset=utf-8';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  $ref?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  const?: unknown;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

const doc = buildOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
};
const components = doc.components?.schemas ?? {};
const resolve = (schema: Schema | undefined, depth = 0): Schema => {
  if (!schema || depth > 8) return {};
  if (schema.$ref) return resolve(components[schema.$ref.split('/').pop()!], depth + 1);
  return schema;
};

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, spec]) => ({
      method: method.toUpperCase(),
      path,
      parameters: (spec.parameters ?? []).filter((parameter) => ['path', 'query', 'header'].includes(parameter.in)),
      body: spec.requestBody?.content?.['application/json']?.schema,
    })),
);

const HOSTILE = ['..', '%2e%2e', '%00', '<script>', "'OR'1'='1", '${jndi:x}', '\u202e', 'Nguyễn Văn Ánh', '🐉', '1e309', '-0', 'null', '[]', '{}', ' ', ''];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 300, maxLength: 2_000 }),
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileString, fc.constantFrom(null, true, -1, 0, 1.5, 1e20, -1e20));

/** Values for a schema: mostly near its shape (so handlers get past the first check), often not. */
function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(schema);
  const variants = resolved.oneOf ?? resolved.anyOf;
  if (variants?.length && depth < 4) return fc.oneof(...variants.map((variant) => valueFor(variant, depth + 1)), anyJson);
  if (resolved.allOf?.length && depth < 4) return valueFor(Object.assign({}, ...resolved.allOf.map((part) => resolve(part))), depth + 1);
  if (resolved.const !== undefined) return fc.oneof(fc.constant(resolved.const), anyJson);
  if (resolved.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...resolved.enum) }, { weight: 1, arbitrary: anyJson });
  const type = Array.isArray(resolved.type) ? resolved.type.find((t) => t !== 'null') : resolved.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = resolved.minimum ?? -1_000;
      const max = resolved.maximum ?? 1_000_000;
      const inRange = type === 'integer' ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) : fc.double({ min, max, noNaN: true });
      return fc.oneof(
        { weight: 4, arbitrary: inRange },
        { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 0.5, '7', -0) },
        { weight: 1, arbitrary: anyJson },
      );
    }
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
    case 'string': {
      const sized = fc.string({ minLength: resolved.minLength ?? 0, maxLength: Math.min(resolved.maxLength ?? 40, 80) });
      const formatted =
        resolved.format === 'date-time'
          ? fc.date({ noInvalidDate: true }).map((date) => date.toISOString())
          : resolved.format === 'email'
            ? fc.emailAddress()
            : sized;
      return fc.oneof({ weight: 4, arbitrary: formatted }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: anyJson });
    }
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.oneof(
            { weight: 4, arbitrary: fc.array(valueFor(resolved.items, depth + 1), { maxLength: 4 }) },
            { weight: 1, arbitrary: fc.array(anyJson, { maxLength: 120 }) },
            { weight: 1, arbitrary: anyJson },
          );
    default: {
      if (!resolved.properties || depth > 3) return anyJson;
      const entries = Object.entries(resolved.properties).map(([name, property]) => [name, valueFor(property, depth + 1)] as const);
      const shaped = fc.record(Object.fromEntries(entries), { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
      const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), anyJson, { maxKeys: 3 });
      return fc.oneof({ weight: 5, arbitrary: fc.tuple(shaped, extra).map(([base, more]) => ({ ...more, ...base })) }, { weight: 1, arbitrary: anyJson });
    }
  }
}

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function requestFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  const headerParams = operation.parameters.filter((parameter) => parameter.in === 'header');
  const path = fc
    .tuple(...pathParams.map((parameter) => valueFor(parameter.schema)), fc.constant(null))
    .map((values) =>
      pathParams.reduce((built, parameter, i) => built.replace(`{${parameter.name}}`, encodeURIComponent(asText(values[i])) || 'x'), operation.path),
    );
  const query = fc
    .tuple(fc.subarray(queryParams), fc.array(fc.tuple(fc.string({ maxLength: 10 }), hostileString), { maxLength: 2 }))
    .chain(([chosen, extra]) =>
      fc
        .tuple(...chosen.map((parameter) => valueFor(parameter.schema).map((value) => [parameter.name, asText(value)] as const)), fc.constant(null))
        .map((pairs) =>
          [...(pairs.slice(0, -1) as (readonly [string, string])[]), ...extra]
            .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
            .join('&'),
        ),
    );
  const headers = fc
    .tuple(
      ...headerParams.map((parameter) =>
        fc.option(
          valueFor(parameter.schema).map(
            (value) =>
              [
                parameter.name.toLowerCase(),
                asText(value)
                  .replace(/[^\x20-\x7e]/g, '?')
                  .slice(0, 200),
              ] as const,
          ),
          { nil: undefined },
        ),
      ),
      fc.constant(null),
    )
    .map((pairs) => Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => Array.isArray(pair))));
  const body =
    operation.method === 'GET' || operation.method === 'DELETE'
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 6, arbitrary: valueFor(operation.body).map((value) => JSON.stringify(value) ?? 'null') },
          { weight: 1, arbitrary: fc.constantFrom('{"a":', '', 'not json', '[1,2', '\u0000') },
        );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  );
  return fc.record({ path, query, headers, body, contentType }).map(({ path: built, query: q, headers: h, body: b, contentType: type }) => ({
    path: q ? `${built}?${q}` : built,
    headers: b === undefined ? h : { ...h, 'content-type': type },
    ...(b === undefined ? {} : { body: b }),
  }));
}

let api: LocalApi;
let auth: Record<string, string>;

beforeAll(async () => {
  api = await startLocalApi();
  auth = await bearer('admin');
}, 60_000);
afterAll(async () => {
  await api?.close();
});

describe(`route fuzz: every documented operation (seed ${SEED}, ${RUNS} runs each; replay with FUZZ_SEED=${SEED})`, () => {
  it('covers the whole API', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    '%s: never 5xx, never a stack trace, errors are problem+json',
    async (_name, operation) => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (fuzz) => {
          const res = await rawRequest(api.url, operation.method, fuzz.path, { ...auth, ...fuzz.headers }, fuzz.body);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${operation.method} ${fuzz.path.slice(0, 300)} ${fuzz.body?.slice(0, 300) ?? ''} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
          expectNoLeak(res.text);
          if (res.status >= 400 && operation.method !== 'HEAD') expect(res.headers['content-type'], res.text.slice(0, 200)).toBe(PROBLEM);
        }),
        { seed: SEED, numRuns: runsOf(operation), endOnFailure: true },
      );
      expect([...statuses.values()].reduce((sum, n) => sum + n, 0)).toBe(runsOf(operation));
    },
    30_000 + RUNS * 3_000,
  );
});
