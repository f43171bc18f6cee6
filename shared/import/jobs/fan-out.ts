import type { Entity } from '../../entity/define-entity.js';
import { queueDeclaration } from '../../events/queues.js';
import { formatOf } from '../import-format.js';

/** The queue chunk messages go through (declared in shared/events/queues.ts, DLQ included). */
export const IMPORT_CHUNKS_QUEUE = 'import-chunks';

/**
 * Rows per second one worker is planned to write on AWS: 4 writers × 25-item BatchWriteItem
 * (plus create mode's consistent BatchGetItem) at ~35–50 ms a round trip is 2,000–2,850
 * rows/s. The lower figure sizes the fan-out, so the declared capacity is not exceeded.
 */
export const WORKER_ROWS_PER_SECOND = 2_000;

/** Never more workers on one file than this (one job cannot take the whole account's concurrency). */
export const MAX_FAN_OUT_WIDTH = 50;

/** How a file is split. Defaults (docs/import-jobs.md "Fan-out"): 4 MB chunks, files over 8 MB fan out. */
export interface FanOutSettings {
  /** A CSV larger than this is split into chunks; smaller files run in one function. */
  thresholdBytes: number;
  /** Target bytes per chunk (cut just after a row end). 4 MB ≈ 50k student rows ≈ 25 s at 2,000 rows/s. */
  chunkBytes: number;
}

export const DEFAULT_FAN_OUT: FanOutSettings = { thresholdBytes: 8 * 1024 * 1024, chunkBytes: 4 * 1024 * 1024 };

/** The settings from the environment (`IMPORT_FAN_OUT_THRESHOLD_BYTES`, `IMPORT_CHUNK_BYTES`), else the defaults. */
export function fanOutSettings(env: NodeJS.ProcessEnv = process.env): FanOutSettings {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    thresholdBytes: number('IMPORT_FAN_OUT_THRESHOLD_BYTES', DEFAULT_FAN_OUT.thresholdBytes),
    chunkBytes: number('IMPORT_CHUNK_BYTES', DEFAULT_FAN_OUT.chunkBytes),
  };
}

/**
 * Workers one job of `entity` runs at once: its declared write capacity (the load its indexes
 * and counter shards are sized for, docs/table-design.md) divided by what one worker writes,
 * capped by the chunk queue's event source concurrency. Students: ceil(10,000 / 2,000) = 5.
 */
export function fanOutWidth(entity: Pick<Entity, 'capacity'>): number {
  const writes = entity.capacity?.writesPerSecond ?? WORKER_ROWS_PER_SECOND;
  const queueCap = queueDeclaration(IMPORT_CHUNKS_QUEUE).maximumConcurrency ?? 2;
  return Math.max(1, Math.min(Math.ceil(writes / WORKER_ROWS_PER_SECOND), MAX_FAN_OUT_WIDTH, queueCap));
}

/**
 * CSV and XLSX files over the threshold fan out (the same bytes: a compressed XLSX row of a
 * student is ~55 B against ~87 B of CSV, so 8 MB is ~150k XLSX rows vs ~95k CSV rows). An XLSX
 * is cut into as many row ranges as a CSV of its size; its workers cannot enter the zip in the
 * middle, so chunk k re-parses the k chunks before it (docs/import-jobs.md "XLSX fan-out").
 */
export function shouldFanOut(name: string, size: number, settings: FanOutSettings): boolean {
  return formatOf(name) !== undefined && size > settings.thresholdBytes;
}
