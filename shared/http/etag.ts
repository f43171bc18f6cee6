import type { ExpectedVersion } from '../entity/entity-service.js';

/** Strong ETag of a versioned resource: the version is bumped on every write. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * If-Match → the versions a write accepts. `*` matches any existing resource; the list form
 * matches if any strong tag names the current version. Weak or foreign tags never match
 * (RFC 9110 strong comparison), so a header of only those yields [] → 412.
 */
export function expectedVersion(ifMatch: string | undefined): ExpectedVersion | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return undefined;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return '*';
  const versions: number[] = [];
  for (const tag of tags) {
    const match = /^"(\d{1,15})"$/.exec(tag);
    if (match) versions.push(Number(match[1]));
  }
  return versions;
}
