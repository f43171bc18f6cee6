/** Limits every import enforces; a file over one fails with an `ImportLimitError` naming it. */
export interface ImportLimits {
  /** Size of the file as stored (CSV, or the compressed XLSX). */
  maxBytes: number;
  /** Data rows (the header excluded). */
  maxRows: number;
  /** One CSV row (all its fields): a bigger one is almost always a quote never closed. */
  maxRowBytes: number;
  /** XLSX: sum of the uncompressed sizes its zip directory declares (zip-bomb guard). */
  maxUncompressedBytes: number;
  /** XLSX: entries in the zip. */
  maxZipEntries: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 1024 * 1024 * 1024,
  maxRows: 5_000_000,
  maxRowBytes: 1024 * 1024,
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  maxZipEntries: 10_000,
};

/**
 * /tmp (MiB) of the functions that read dropped XLSX files: a workbook's sheets stored before its
 * shared strings wait on disk, at most the whole inflated workbook (`maxUncompressedBytes`, 2 GiB),
 * plus Lambda's default 512 MiB for everything else. Billed only while it runs: 2 GiB extra ×
 * 150 s ≈ $0.00001 per chunk at $0.0000000309 per GB-s.
 */
export const XLSX_SCRATCH_MIB = Math.ceil(DEFAULT_IMPORT_LIMITS.maxUncompressedBytes / 2 ** 20) + 512;

/** The defaults with `overrides` applied (env or caller supplied). */
export function importLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...overrides };
}

/** `1048576` → `1 MB`, for messages people read. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
