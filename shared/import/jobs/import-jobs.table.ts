import { PK, type TableDesign } from '../../store/dynamodb/table-design.js';
import { IMPORT_JOBS_RECENT_INDEX } from './import-job.js';

/**
 * THE import-jobs table: one item per job (`pk` = import id) with its status, counts, the
 * resume checkpoint and the worker lease. `recent` (partition `_p_all` = "all", sort
 * `_k_queued` = queued_at + id) serves `GET /api/v1/imports`, newest first. Jobs are rare
 * (people drop files), so one unsharded partition is plenty.
 */
export const importJobsTable: TableDesign = {
  id: 'import-jobs',
  envVar: 'IMPORT_JOBS_TABLE_NAME',
  partitionKey: PK,
  indexes: [{ name: IMPORT_JOBS_RECENT_INDEX, partitionKey: '_p_all', sortKey: '_k_queued', shards: 1 }],
};
