import { createHash } from 'node:crypto';
import { canonicalJson } from '../runtime/canonical-json.js';

export type EntryKind = 'item' | 'list';

/** What a key under the prefix is, for SCAN-based size, clear and pattern invalidation. */
export type KeyClass = { kind: 'entry'; entity: string } | { kind: 'namespace'; entity: string } | { kind: 'l1Size' } | { kind: 'other' };

/** The hash tag of the statistics keys: `readStats` MGETs every container's L1 size at once. */
const STATS_TAG = '{_cache}';

/**
 * Key layout (see docs/cache.md), every key starting with `prefix` and the entity in a hash
 * tag: `{<entity>}:v<ns>:item:<id>` and `{<entity>}:v<ns>:list:<sha256 of the canonical
 * query>` are entries; `{<entity>}:ns` is the entity's namespace version (missing = 0,
 * moved by admin clears and outage recovery only); `{<entity>}:lns` the list version
 * (every write INCRs it); `{<entity>}:w:<id>` the item's write token (every write of that
 * item replaces it); `{<entity>}:settling` marks a fresh write for list pages;
 * `{_cache}:stats` and `{_cache}:l1:<container>` hold statistics.
 *
 * The tag is what a cluster-mode cache (ElastiCache Serverless) hashes, so every key of one
 * entity lives in one slot: a read MGETs the namespace, the settling mark and the entry in
 * one command, which a cluster refuses (CROSSSLOT) for keys of different slots. Entities
 * still spread over the cluster. A prefix should not contain `{`: its first `{…}` would
 * become the tag of every key (still correct, but one slot for everything).
 */
export class CacheKeys {
  private readonly entryPattern: RegExp;
  private readonly namespacePattern: RegExp;

  constructor(readonly prefix: string) {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.entryPattern = new RegExp(`^${escaped}\\{([^}]+)\\}:v\\d+:(?:item|list):`);
    this.namespacePattern = new RegExp(`^${escaped}\\{([^}]+)\\}:ns$`);
  }

  entry(entity: string, ns: number, kind: EntryKind, part: string): string {
    return `${this.prefix}{${entity}}:v${ns}:${kind}:${part}`;
  }

  namespace(entity: string): string {
    return `${this.prefix}{${entity}}:ns`;
  }

  /** Version of every list page of the entity: INCRed by every write. */
  listVersion(entity: string): string {
    return `${this.prefix}{${entity}}:lns`;
  }

  /** The item's write token: replaced by every write of that item, expiring after a while. */
  written(entity: string, id: string): string {
    return `${this.prefix}{${entity}}:w:${id}`;
  }

  settling(entity: string): string {
    return `${this.prefix}{${entity}}:settling`;
  }

  get stats(): string {
    return `${this.prefix}${STATS_TAG}:stats`;
  }

  l1Size(container: string): string {
    return `${this.prefix}${STATS_TAG}:l1:${container}`;
  }

  /**
   * A glob (Redis MATCH syntax) for `pattern` under the prefix; the prefix matches literally.
   * Patterns are written without the hash tag, as an administrator thinks of keys:
   * `students:*`, `students:v*:item:S1`. Their first segment (up to the first `:` outside a
   * `[…]` class or escape) is the entity and goes into the tag: `students:*` →
   * `<prefix>{students}:*`; a pattern without `:` matches from the tag on (`stud*` →
   * `<prefix>{stud*`). So a wildcard in the first segment matches entity names only,
   * never across the tag (`*:v*:item:S1` is item S1 of every entity).
   */
  glob(pattern = '*'): string {
    const end = entityEnd(pattern);
    const tagged = end === -1 ? `{${pattern}` : `{${pattern.slice(0, end)}}${pattern.slice(end)}`;
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}${tagged}`;
  }

  classify(key: string): KeyClass {
    const entry = this.entryPattern.exec(key);
    if (entry) return { kind: 'entry', entity: entry[1]! };
    const namespace = this.namespacePattern.exec(key);
    if (namespace) return { kind: 'namespace', entity: namespace[1]! };
    if (key.startsWith(`${this.prefix}${STATS_TAG}:l1:`)) return { kind: 'l1Size' };
    return { kind: 'other' };
  }
}

/** Index of the `:` that ends a glob's first segment, skipping escapes and `[…]` classes; -1 if none. */
function entityEnd(glob: string): number {
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      // Same class rule as globToRegExp: `]` right after `[` is part of the class.
      const close = glob.indexOf(']', i + 2);
      if (close !== -1) i = close;
    } else if (ch === ':') return i;
  }
  return -1;
}

/** sha256 (hex) of the query's canonical JSON: equal queries hash equal whatever their key order. */
export function queryHash(query: unknown): string {
  return createHash('sha256').update(canonicalJson(query)).digest('hex');
}
