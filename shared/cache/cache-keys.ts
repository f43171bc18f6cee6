import { createHash } from 'node:crypto';

export type EntryKind = 'item' | 'list';

/** What a key under the prefix is, for SCAN-based size, clear and pattern invalidation. */
export type KeyClass =
  | { kind: 'entry'; entity: string }
  | { kind: 'namespace'; entity: string }
  | { kind: 'l1Size' }
  | { kind: 'other' };

/**
 * Key layout (see DESIGN.md "Cache keys"), every key starting with `prefix`:
 * `<entity>:v<ns>:item:<id>` and `<entity>:v<ns>:list:<sha256 of the canonical query>` are
 * entries; `<entity>:ns` is the namespace version (missing = 0); `<entity>:settling` marks a
 * fresh write; `_cache:stats` and `_cache:l1:<container>` hold statistics.
 */
export class CacheKeys {
  private readonly entryPattern: RegExp;
  private readonly namespacePattern: RegExp;

  constructor(readonly prefix: string) {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.entryPattern = new RegExp(`^${escaped}([^:]+):v\\d+:(?:item|list):`);
    this.namespacePattern = new RegExp(`^${escaped}([^:]+):ns$`);
  }

  entry(entity: string, ns: number, kind: EntryKind, part: string): string {
    return `${this.prefix}${entity}:v${ns}:${kind}:${part}`;
  }

  namespace(entity: string): string {
    return `${this.prefix}${entity}:ns`;
  }

  settling(entity: string): string {
    return `${this.prefix}${entity}:settling`;
  }

  get stats(): string {
    return `${this.prefix}_cache:stats`;
  }

  l1Size(container: string): string {
    return `${this.prefix}_cache:l1:${container}`;
  }

  /** A glob (Redis MATCH syntax) for `pattern` under the prefix; the prefix matches literally. */
  glob(pattern = '*'): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}${pattern}`;
  }

  classify(key: string): KeyClass {
    const entry = this.entryPattern.exec(key);
    if (entry) return { kind: 'entry', entity: entry[1]! };
    const namespace = this.namespacePattern.exec(key);
    if (namespace) return { kind: 'namespace', entity: namespace[1]! };
    if (key.startsWith(`${this.prefix}_cache:l1:`)) return { kind: 'l1Size' };
    return { kind: 'other' };
  }
}

/** sha256 (hex) of the query's canonical JSON: equal queries hash equal whatever their key order. */
export function queryHash(query: unknown): string {
  return createHash('sha256').update(canonicalJson(query)).digest('hex');
}

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}
