import type { ExpectedVersion } from '../entity/entity-service.js';

/** Strong ETag of a versioned resource: the version is bumped on every write. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * If-Match → the version a write expects. `*` matches any existing resource; a weak or
 * foreign tag can never match (RFC 9110 strong comparison), so it yields 'none-match' → 412.
 */
export function expectedVersion(ifMatch: string | undefined): ExpectedVersion | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return undefined;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return '*';
  for (const tag of tags) {
    const match = /^"(\d{1,15})"$/.exec(tag);
    if (match) return Number(match[1]);
  }
  return 'none-match';
}
