import { parseArgs } from 'node:util';

/** Bad command line or a spec the platform cannot serve: the message is printed, exit 1, nothing written. */
export class SpecError extends Error {}

/** Field types the scaffolder knows, each with one zod schema (entity-declaration.ts). */
export const FIELD_TYPES = ['string', 'email', 'int', 'number', 'boolean', 'date', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** `credits:int?`: null when absent on create; otherwise required on create. */
  nullable: boolean;
}

export interface EntitySpec {
  /** Plural, lower-case: route segment, table id, function id prefix (`courses`). */
  name: string;
  /** For messages, error codes and schema names (`course`). */
  singular: string;
  /** The `:key` field: a string, stored upper-cased. */
  idField: string;
  /** Every other field, in the order given. */
  fields: FieldSpec[];
  /** String fields with a case-insensitive exact-match filter (`?title=`) and its indexes. */
  filters: string[];
  /** Fields the list sorts on besides the key and created_at. */
  sorts: string[];
  cache: boolean;
  /** `<singular>.created|updated|deleted` through the outbox with every write (events/<name>.ts). */
  events: boolean;
}

export const USAGE =
  'usage: npm run new:entity -- <name> --fields "id:string:key,title:string,credits:int?" [--singular <word>] [--filter field]... [--sort field]... [--with-cache] [--with-events]\n' +
  `  types: ${FIELD_TYPES.join(', ')}; "?" = nullable (optional on create); exactly one string field marked ":key"\n` +
  '  --with-events: publish <singular>.created|updated|deleted through the outbox (docs/scaffolder.md)';

/** Plural names the routes, the table and the `<NAME>_TABLE_NAME` variable: letters, digits and single underscores. */
const ENTITY_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const FIELD_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Stored by the service (created_at …), used by the store (pk), or list parameters a filter would shadow. */
const RESERVED_FIELDS = new Set(['pk', 'created_at', 'updated_at', 'version', 'page', 'page_size', 'sort', 'cursor', 'search', 'where', 'fields', 'limit']);
/** Filters are exact matches on text; sorts encode text, non-negative numbers, dates and booleans. */
const FILTERABLE: readonly FieldType[] = ['string', 'email'];
/** DynamoDB's GSIs per table: one per (filter or none) × sort. */
const MAX_INDEXES = 20;

/** Parses the command line of `npm run new:entity` (without node and the script) into a checked spec. */
export function parseEntityArgs(argv: string[]): EntitySpec {
  const { values, positionals } = parseCommandLine(argv);
  if (positionals.length !== 1)
    throw new SpecError(positionals.length === 0 ? 'an entity name is required' : `one entity at a time (got ${positionals.join(', ')})`);
  if (values.fields === undefined) throw new SpecError('--fields is required, e.g. --fields "id:string:key,title:string"');
  return checkSpec({
    name: positionals[0]!,
    singular: values.singular,
    fields: values.fields,
    filters: splitList(values.filter),
    sorts: splitList(values.sort),
    cache: values['with-cache'],
    events: values['with-events'],
  });
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        fields: { type: 'string' },
        singular: { type: 'string' },
        filter: { type: 'string', multiple: true, default: [] },
        sort: { type: 'string', multiple: true, default: [] },
        'with-cache': { type: 'boolean', default: false },
        'with-events': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new SpecError((error as Error).message);
  }
}

/** `--filter a,b --filter c` → [a, b, c]. */
function splitList(values: string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

interface RawSpec {
  name: string;
  singular: string | undefined;
  fields: string;
  filters: string[];
  sorts: string[];
  cache: boolean;
  events?: boolean;
}

/** Checks a spec against what defineEntity, the table design and CDK accept. */
export function checkSpec(raw: RawSpec): EntitySpec {
  const name = raw.name;
  if (!ENTITY_NAME.test(name) || name.length > 40) {
    throw new SpecError(
      `bad entity name '${name}': lower-case letters and digits, words joined by single underscores, at most 40 characters (e.g. courses, lab_results)`,
    );
  }
  const singular = raw.singular ?? singularOf(name);
  if (!ENTITY_NAME.test(singular)) throw new SpecError(`bad singular '${singular}': same rules as the name`);
  if (singular === name) throw new SpecError(`the name must be plural and differ from its singular ('${name}'); pass --singular`);

  const declared = raw.fields
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (declared.length === 0) throw new SpecError('--fields declares no field');
  const parsed = declared.map(parseField);
  const seen = new Set<string>();
  for (const field of parsed) {
    if (seen.has(field.name)) throw new SpecError(`field '${field.name}' is declared twice`);
    seen.add(field.name);
  }
  const keys = parsed.filter((field) => field.key);
  if (keys.length === 0) throw new SpecError('no key: mark exactly one string field with ":key" (e.g. id:string:key)');
  if (keys.length > 1) throw new SpecError(`one key only (got ${keys.map((field) => field.name).join(', ')})`);
  const key = keys[0]!;
  if (key.type !== 'string' || key.nullable) throw new SpecError(`the key '${key.name}' must be a non-nullable string (ids are stored as text)`);
  const fields = parsed.filter((field) => !field.key).map(({ name, type, nullable }) => ({ name, type, nullable }));
  if (fields.length === 0) throw new SpecError('declare at least one field besides the key');

  const byName = new Map(fields.map((field) => [field.name, field]));
  const filters = unique(raw.filters, '--filter');
  for (const filter of filters) {
    const field = byName.get(filter);
    if (!field) throw new SpecError(`--filter names unknown field '${filter}'${filter === key.name ? ' (the key is read by GET /{id})' : ''}`);
    if (!FILTERABLE.includes(field.type))
      throw new SpecError(`--filter ${filter}: filters match text exactly, so the field must be ${FILTERABLE.join(' or ')} (it is ${field.type})`);
  }
  const sorts = unique(raw.sorts, '--sort');
  for (const sort of sorts) {
    if (sort === key.name) throw new SpecError(`--sort ${sort}: the list already sorts by the key`);
    if (!byName.has(sort)) throw new SpecError(`--sort names unknown field '${sort}'`);
  }
  const indexes = (1 + filters.length) * (2 + sorts.length);
  if (indexes > MAX_INDEXES) {
    throw new SpecError(
      `${filters.length} filter(s) × ${2 + sorts.length} sorts (key, created_at and --sort) need ${indexes} indexes; DynamoDB allows ${MAX_INDEXES} per table`,
    );
  }
  return { name, singular, idField: key.name, fields, filters, sorts, cache: raw.cache, events: raw.events ?? false };
}

function parseField(text: string): FieldSpec & { key: boolean } {
  const parts = text.split(':').map((part) => part.trim());
  const [name = '', rawType = '', ...modifiers] = parts;
  if (!FIELD_NAME.test(name)) throw new SpecError(`bad field name '${name}' in '${text}': lower-case letters and digits joined by single underscores`);
  if (RESERVED_FIELDS.has(name)) throw new SpecError(`field name '${name}' is reserved (stored by the service or a list parameter)`);
  const nullable = rawType.endsWith('?');
  const type = nullable ? rawType.slice(0, -1) : rawType;
  if (!(FIELD_TYPES as readonly string[]).includes(type)) {
    throw new SpecError(`unknown type '${rawType || '(none)'}' for field '${name}': one of ${FIELD_TYPES.join(', ')}, optionally followed by ?`);
  }
  const key = modifiers.length === 1 && modifiers[0] === 'key';
  if (modifiers.length > 0 && !key) throw new SpecError(`unknown modifier '${modifiers.join(':')}' in '${text}': only ':key'`);
  return { name, type: type as FieldType, nullable, key };
}

function unique(values: string[], option: string): string[] {
  const repeated = values.find((value, index) => values.indexOf(value) !== index);
  if (repeated) throw new SpecError(`${option} ${repeated} is given twice`);
  return values;
}

/** courses → course, categories → category, classes → class; anything else: pass --singular. */
export function singularOf(plural: string): string {
  if (/[^aeiou]ies$/.test(plural)) return `${plural.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(plural)) return plural.slice(0, -2);
  if (/[^s]s$/.test(plural)) return plural.slice(0, -1);
  throw new SpecError(`cannot tell the singular of '${plural}' (use a plural name like courses, or pass --singular)`);
}

/** `lab_results` → `LabResults`: metric names and schema ids. */
export function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_m, _sep, ch: string) => ch.toUpperCase());
}

/** `lab_results` → `labResults`: the declaration's export. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}
