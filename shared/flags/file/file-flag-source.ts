import { readFile, stat } from 'node:fs/promises';
import { logger } from '../../powertools/logger.js';
import type { FlagSnapshot, FlagSource } from '../flag-source.js';
import { parseFlagsDocument } from '../flags-document.js';

export interface FileFlagSourceOptions {
  /** How often the file's mtime is checked, in ms. @default 1000 */
  checkEveryMs?: number;
  now?: () => number;
}

/**
 * Local flag rules from a JSON file (`FLAGS_FILE`), re-read when its modification time or size
 * changes — checked at most once a second, so every process of `npm start` (each runs its
 * own bundle) sees an edit within a second without a watcher. A file that is not valid JSON or
 * not a valid flags document keeps the last good rules and says why (logged once per change).
 * A missing file means every flag has its declared default.
 */
export function fileFlagSource(path: string, options: FileFlagSourceOptions = {}): FlagSource {
  const checkEveryMs = options.checkEveryMs ?? 1_000;
  const now = options.now ?? Date.now;
  let snapshot: FlagSnapshot = { document: {}, source: `file:${path}` };
  let seen = '';
  let checkedAt = Number.NEGATIVE_INFINITY;

  async function refresh(): Promise<void> {
    const info = await stat(path).catch(() => undefined);
    const signature = info ? `${info.mtimeMs}:${info.size}` : 'missing';
    if (signature === seen) return;
    seen = signature;
    if (!info) {
      snapshot = { document: {}, source: `file:${path}`, error: 'file not found: every flag has its declared default' };
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      return keepLastGood(`not JSON: ${(error as Error).message}`);
    }
    const parsed = parseFlagsDocument(raw);
    if ('error' in parsed) return keepLastGood(parsed.error);
    snapshot = { document: parsed.document, source: `file:${path}`, loadedAt: new Date(now()).toISOString() };
    logger.info('feature flags loaded', { source: snapshot.source, flags: Object.keys(parsed.document) });
  }

  function keepLastGood(error: string): void {
    snapshot = { ...snapshot, error };
    logger.warn('flags file rejected; keeping the last good rules', { path, error });
  }

  let refreshing: Promise<void> = Promise.resolve();
  return {
    async current() {
      if (now() - checkedAt >= checkEveryMs) {
        checkedAt = now();
        refreshing = refresh();
      }
      // Concurrent callers wait for the read in flight rather than answer from the old rules.
      await refreshing;
      return snapshot;
    },
  };
}
