import type { S3Client } from '@aws-sdk/client-s3';
import type { Entity } from '../../entity/define-entity.js';
import type { ImportLimits } from '../import-limits.js';
import type { ImportJobStore } from './import-job.js';
import type { CheckpointedSink } from './run-import-job.js';

/** What every import runner needs: the S3 ObjectCreated handler (whole files) and the chunk worker. */
export interface ImportWorkerDeps {
  jobs: ImportJobStore;
  s3: S3Client;
  /** Importable entities by name. */
  entities: readonly Entity[];
  /** A fresh sink for one run or chunk (it holds that run's pending counter deltas). */
  sink: (entity: Entity) => CheckpointedSink;
  /** This delivery's lease owner id. */
  owner: string;
  remainingMs?: () => number;
  limits?: Partial<ImportLimits>;
  /** Batches written concurrently (default 4). */
  writers?: number;
  clock?: () => Date;
}
