import type { EntryKind } from './cache-keys.js';

/** A read's target: the entry and the version key whose value must match the entry's. */
export interface ReadSpec {
  kind: EntryKind;
  /** The item id or the list query's hash. */
  part: string;
  /** `{<entity>}:w:<id>` for an item, `{<entity>}:lns` for a list page. */
  versionKey: string;
  /** List pages are not stored while the entity settles after a write. */
  settles: boolean;
  /** Whether a loaded value may be stored (absent: always). */
  keep?: (value: unknown) => boolean;
}

export interface Lookup {
  ns: number;
  /** The version key's value ('' when absent): the item's write token or the list version. */
  version: string;
  settling: boolean;
  /** The entry as stored (null: absent); undefined when it was not fetched. */
  entry?: string | null;
}

/** The L1 stamp of what a lookup saw: equal stamps, nothing written in between. */
export function stampOf(found: Lookup): string {
  return `${found.ns}:${found.version}`;
}

/** An entry as stored: the version it was read under, then the value's JSON. */
export function wrap(version: string, json: string): string {
  return `{"w":${JSON.stringify(version)},"v":${json}}`;
}

/**
 * The entry's value when it was read under `version`; undefined when it was read under
 * another one (written since) or is not an entry of ours (older layout, foreign): a miss.
 */
export function unwrap(stored: string, version: string): { value: unknown } | undefined {
  try {
    const entry = JSON.parse(stored) as { w?: unknown; v?: unknown };
    return entry && typeof entry === 'object' && entry.w === version && 'v' in entry ? { value: entry.v } : undefined;
  } catch {
    return undefined;
  }
}
