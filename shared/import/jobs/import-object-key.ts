import { importTrigger } from '../import-trigger.js';
import type { ImportMode } from '../import-sink.js';

/** S3 event keys are URL-encoded with `+` for spaces (form encoding). */
export function decodeS3Key(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

/** Presigned uploads land under `imports/{entity}/uploads/{import_id}/{file name}`. */
export const UPLOADS_FOLDER = 'uploads';

export type ParsedImportKey =
  | { kind: 'import'; key: string; entity: string; uploadId?: string; fileName: string }
  | { kind: 'refused'; key: string; reason: string };

/**
 * What an object key asks for: `imports/{entity}/…/{file}`. Keys with a `..` segment, outside
 * `imports/` or without an entity folder are refused (no job is created for them).
 */
export function parseImportKey(key: string): ParsedImportKey {
  if (!key.startsWith(importTrigger.prefix)) return { kind: 'refused', key, reason: `outside ${importTrigger.prefix}` };
  const parts = key.slice(importTrigger.prefix.length).split('/');
  if (parts.some((part) => part === '..' || part === '.') || key.includes('\\')) return { kind: 'refused', key, reason: 'contains a relative path segment' };
  if (parts.length < 2 || parts.some((part) => part === '')) return { kind: 'refused', key, reason: `not of the form ${importTrigger.prefix}{entity}/{file}` };
  const entity = parts[0]!;
  const fileName = parts.at(-1)!;
  const uploadId = parts.length === 4 && parts[1] === UPLOADS_FOLDER ? parts[2] : undefined;
  return { kind: 'import', key, entity, fileName, ...(uploadId ? { uploadId } : {}) };
}

/** Object metadata `import-mode` (x-amz-meta-import-mode) wins; else `.upsert.` in the file name; else create. */
export function modeOf(fileName: string, metadata: Record<string, string> = {}): ImportMode {
  const declared = metadata['import-mode']?.toLowerCase();
  if (declared === 'upsert' || declared === 'create') return declared;
  return /\.upsert\.(csv|xlsx)$/i.test(fileName) ? 'upsert' : 'create';
}
