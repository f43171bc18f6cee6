import * as z from 'zod/mini';
import type { EventType } from '../../events/catalog.js';
import './zod-locale.js';
import { checkImportSettings, type ImportSettings } from './import-settings.js';

/**
 * Who may call an operation: anyone, or a role (admin > staff > viewer). The Lambda authorizer
 * identifies the caller; the function's `authorize` middleware enforces this.
 */
export type Permission = 'public' | 'viewer' | 'staff' | 'admin';

/** `query` is the list with a `where` (POST {collection}/query); it needs the list's permission unless declared. */
export type EntityOperation = 'create' | 'get' | 'list' | 'query' | 'update' | 'delete';

/** A field the list endpoint can sort on; `encode` must sort as the API promises. */
export interface SortField {
  /** Field of the response view (stored or derived). */
  field: string;
  /** Sortable string: DynamoDB orders GSI sort keys by UTF-8 bytes. */
  encode(view: Record<string, unknown>): string;
  /**
   * The key prefix every value starting with `value` encodes to (a `begins_with` on the field
   * becomes a key condition on its index), or undefined when the encoding does not keep
   * prefixes (numbers, case-folded non-ASCII text): the query then filters a scan.
   */
  prefix?(value: string): string | undefined;
}

/** A case-insensitive exact-match filter on a stored string field, backed by its own GSIs. */
export interface FilterField {
  field: string;
  description: string;
}

type Shape = z.core.$ZodShape;
export type StoredOf<TFields extends Shape> = z.infer<z.ZodMiniObject<TFields>> & SystemFields & Record<string, unknown>;

/** Fields every stored item gets from the service, never from clients. */
export interface SystemFields {
  created_at: string;
  updated_at: string;
  version: number;
}

export interface EntityInput<TFields extends Shape, TDerived extends Shape> {
  /** Plural, lower-case: route segment, table and cache namespace (`students`). */
  name: string;
  /** Singular for messages and error codes (`student`). */
  singular: string;
  idField: string;
  /** Parses and normalises an id from a path or body (trim, upper-case, pattern). */
  id: z.ZodMiniType<string, string>;
  /** Mutable fields with their validation; nullable ones are optional on create. */
  fields: TFields;
  /** Fields a create must carry besides the id. */
  requiredOnCreate: readonly (keyof TFields & string)[];
  /**
   * Stored fields no create or update body may carry, with the value a create gives them
   * (stock levels): a body naming one is a 422, and only use cases of their own (the stock
   * route, the inventory handlers) change them, with conditional writes that bump the version.
   */
  readOnly?: Partial<z.infer<z.ZodMiniObject<TFields>>>;
  /** Fields computed on every response, with their schema for OpenAPI. */
  derived: TDerived;
  derive(stored: StoredOf<TFields>): z.infer<z.ZodMiniObject<TDerived>>;
  list: {
    sorts: Record<string, SortField>;
    defaultSort: string;
    filters: Record<string, FilterField>;
    /** Fields matched case-insensitively by `search=` (substring). */
    searchFields: readonly string[];
  };
  /** Route permissions; defaults: reads viewer, writes staff, delete admin. */
  permissions?: Partial<Record<EntityOperation, Permission>>;
  /**
   * Cache-aside for get and list responses, entries living `ttlSeconds`; omitted = never
   * cached. `l1StaleMs`: how long a container serves its in-memory copy without asking Redis,
   * i.e. how late it may see another container's write (docs/cache.md); default 0.
   */
  cache?: { ttlSeconds: number; l1StaleMs?: number };
  /** Load the table must sustain; index and counter shard counts are derived from it. */
  capacity?: EntityCapacity;
  /**
   * Change events (events/catalog.ts) written to the outbox in the same transaction as each
   * create, update and delete, single or bulk (docs/scaffolder.md); omitted = none.
   */
  events?: EntityEvents;
  /** Bulk import from CSV/XLSX files (header aliases, defaults, lenient fields); omitted = not importable. */
  import?: ImportSettings;
  /** Bulk export (CSV/XLSX/XML); omitted = the entity has no export routes. */
  export?: ExportDeclaration;
  /** One-pass statistics and charts; omitted = none. */
  statistics?: StatisticsDeclaration;
}

/** The catalog's event type of each kind of write. */
export interface EntityEvents {
  created: EventType;
  updated: EventType;
  deleted: EventType;
}

/** Declared write load: items per second, and the share of writes the hottest value of a filter takes. */
export interface EntityCapacity {
  writesPerSecond: number;
  /** Per filter field, the fraction (0–1] of writes carrying its most common value; undeclared = 1. */
  skew?: Record<string, number>;
}

/** What an export writes: response fields in column order, and the XLSX data sheet's name. */
export interface ExportDeclaration {
  columns: readonly string[];
  sheetName: string;
  /** Further GET paths served by the same export function (the original API's `/api/v1/export`). */
  aliases?: readonly string[];
}

/** Numeric fields summarised in one streaming pass (exact quantiles from a value histogram). */
export interface StatisticsDeclaration {
  /** Nullable numeric fields (per-subject scores); nulls are excluded. */
  scores: readonly string[];
  /** The per-item overall value (average_score) whose mean is the overall average. */
  overall: string;
  /** A derived band field (grade) and its values, best first. */
  bands: { field: string; values: readonly string[] };
  /** A string field counted per value (top N), case-insensitively. */
  groupBy?: string;
  /** Range of the scores, for chart axes and histogram bins. */
  scale: { min: number; max: number };
}

const DEFAULT_PERMISSIONS: Record<EntityOperation, Permission> = {
  get: 'viewer',
  list: 'viewer',
  query: 'viewer',
  create: 'staff',
  update: 'staff',
  delete: 'admin',
};

/**
 * Declares an entity once; schemas for create/update/stored/response are derived here so
 * that handlers, routes, tables and OpenAPI cannot drift apart.
 */
export function defineEntity<TFields extends Shape, TDerived extends Shape>(input: EntityInput<TFields, TDerived>) {
  const required = new Set<string>(input.requiredOnCreate);
  const readOnly: Record<string, unknown> = input.readOnly ?? {};
  checkReadOnly(input.name, input.fields, readOnly, required, input.import !== undefined);
  const createShape: Record<string, z.ZodMiniType> = { [input.idField]: input.id };
  const updateShape: Record<string, z.ZodMiniType> = {};
  for (const [key, schema] of Object.entries(input.fields)) {
    if (Object.hasOwn(readOnly, key)) continue;
    const field = schema as z.ZodMiniType;
    createShape[key] = required.has(key) ? field : z.optional(field);
    updateShape[key] = z.optional(field);
  }
  const systemShape = {
    created_at: z.iso.datetime().check(z.describe('Creation time, ISO-8601 UTC')),
    updated_at: z.iso.datetime().check(z.describe('Last change, ISO-8601 UTC')),
    version: z.int().check(z.minimum(1), z.describe('Optimistic-concurrency version; the ETag')),
  };
  const storedSchema = z.object({ [input.idField]: z.string(), ...input.fields, ...systemShape });
  const responseSchema = z.object({ ...storedSchema.shape, ...input.derived });
  const routeBase = `/api/v1/${input.name}`;
  if (!(input.list.defaultSort in input.list.sorts)) {
    throw new Error(`${input.name}: defaultSort '${input.list.defaultSort}' is not a declared sort`);
  }
  const known = new Set(Object.keys(responseSchema.shape));
  const referenced = [
    ...Object.values(input.list.sorts).map((sort) => sort.field),
    ...Object.values(input.list.filters).map((filter) => filter.field),
    ...input.list.searchFields,
    ...(input.export?.columns ?? []),
    ...(input.statistics ? [...input.statistics.scores, input.statistics.overall, input.statistics.bands.field] : []),
    ...(input.statistics?.groupBy ? [input.statistics.groupBy] : []),
  ];
  for (const field of referenced) {
    if (!known.has(field)) throw new Error(`${input.name}: list/export/statistics settings name unknown field '${field}'`);
  }
  if (input.cache && !(Number.isInteger(input.cache.ttlSeconds) && input.cache.ttlSeconds > 0)) {
    throw new Error(`${input.name}: cache.ttlSeconds must be a positive whole number`);
  }
  const l1StaleMs = input.cache?.l1StaleMs;
  if (l1StaleMs !== undefined && !(Number.isInteger(l1StaleMs) && l1StaleMs >= 0 && l1StaleMs < input.cache!.ttlSeconds * 1_000)) {
    throw new Error(`${input.name}: cache.l1StaleMs must be a whole number of ms, at least 0 and below the TTL`);
  }
  if (input.capacity) checkCapacity(input.name, input.capacity, Object.keys(input.list.filters));
  // The name is a cache key segment (`<prefix><name>:v<ns>:…`): a colon would make keys ambiguous.
  if (!/^[a-z][a-z0-9_-]*$/.test(input.name)) throw new Error(`${input.name}: entity names are lower-case letters, digits, _ or -`);
  if (input.import) checkImportSettings(input.name, [input.idField, ...Object.keys(input.fields)], input.import);
  const permissions = { ...DEFAULT_PERMISSIONS, ...input.permissions };
  // A query reads what the list reads: whoever may list may query, unless declared otherwise.
  permissions.query = input.permissions?.query ?? permissions.list;
  return {
    ...input,
    permissions,
    createSchema: z.strictObject(createShape).check(z.meta({ id: `${pascal(input.singular)}Create` })),
    updateSchema: z.strictObject(updateShape).check(z.meta({ id: `${pascal(input.singular)}Update` })),
    storedSchema,
    responseSchema: responseSchema.check(z.meta({ id: pascal(input.singular) })),
    nullableFields: Object.keys(input.fields).filter((key) => !required.has(key) && !Object.hasOwn(readOnly, key)),
    readOnlyFields: Object.keys(readOnly),
    routes: { collection: routeBase, item: `${routeBase}/{${input.idField}}` },
  };
}

export type Entity = ReturnType<typeof defineEntity<Shape, Shape>>;

/** The response view: stored fields plus derived ones. */
export type EntityView = Record<string, unknown> & SystemFields;

function checkCapacity(name: string, capacity: EntityCapacity, filters: string[]): void {
  if (!(Number.isInteger(capacity.writesPerSecond) && capacity.writesPerSecond > 0)) {
    throw new Error(`${name}: capacity.writesPerSecond must be a positive whole number`);
  }
  for (const [filter, share] of Object.entries(capacity.skew ?? {})) {
    if (!filters.includes(filter)) throw new Error(`${name}: capacity.skew names unknown filter '${filter}'`);
    if (!(share > 0 && share <= 1)) throw new Error(`${name}: capacity.skew.${filter} must be a fraction in (0, 1]`);
  }
}

/** Read-only fields are declared fields, never required on create, with a valid initial value, and not importable. */
function checkReadOnly(name: string, fields: Shape, readOnly: Record<string, unknown>, required: Set<string>, importable: boolean): void {
  for (const [field, initial] of Object.entries(readOnly)) {
    const schema = fields[field] as z.ZodMiniType | undefined;
    if (!schema) throw new Error(`${name}: readOnly names unknown field '${field}'`);
    if (required.has(field)) throw new Error(`${name}: readOnly field '${field}' cannot be required on create`);
    if (!schema.safeParse(initial).success) throw new Error(`${name}: readOnly.${field} is not a valid initial value`);
  }
  // The bulk path writes whole items without conditions: it would overwrite what the
  // read-only fields' own use cases changed in the meantime.
  if (importable && Object.keys(readOnly).length > 0) throw new Error(`${name}: entities with readOnly fields cannot declare import`);
}

function pascal(word: string): string {
  return word.replace(/(^|[_-])(\w)/g, (_m, _sep, ch: string) => ch.toUpperCase());
}
