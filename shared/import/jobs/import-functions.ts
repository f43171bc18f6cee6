import { BULK_THROTTLE } from '../../http/route-throttles.js';
import type { Entity } from '../../entity/define-entity.js';
import { type FunctionDeclaration, NO_STORE } from '../../entity/entity-functions.js';
import { importTrigger } from '../import-trigger.js';
import { outboxTable } from '../../events/outbox.table.js';
import { importJobsTable } from './import-jobs.table.js';

const BASE = '/api/v1/imports';
const reports = { bucket: importTrigger.bucket, actions: ['GetObject' as const], prefixes: ['reports/'] };

/** Import jobs over HTTP: upload tickets (staff), job status and the recent list (viewer). */
export const importFunctions: FunctionDeclaration[] = [
  {
    id: 'imports-create',
    entry: 'functions/imports/create.ts',
    description: 'Queues an import job and returns a presigned PUT for its file',
    routes: [{ method: 'POST', path: BASE }],
    permission: 'staff',
    tables: [{ table: importJobsTable.id, actions: ['PutItem'] }],
    buckets: [{ bucket: importTrigger.bucket, actions: ['PutObject'], prefixes: [`${importTrigger.prefix}`] }],
    cacheControl: NO_STORE,
  },
  {
    id: 'imports-get',
    entry: 'functions/imports/get.ts',
    description: 'Status, progress and counts of one import job',
    routes: [{ method: 'GET', path: `${BASE}/{import_id}` }],
    permission: 'viewer',
    tables: [{ table: importJobsTable.id, actions: ['GetItem'] }],
    buckets: [reports],
    // Progress changes every few seconds: never cache it.
    cacheControl: NO_STORE,
  },
  {
    id: 'imports-list',
    entry: 'functions/imports/list.ts',
    description: 'Recent import jobs, newest first (cursor paginated)',
    routes: [{ method: 'GET', path: BASE }],
    permission: 'viewer',
    tables: [{ table: importJobsTable.id, actions: ['Query', 'BatchGetItem'] }],
    buckets: [reports],
    cacheControl: NO_STORE,
  },
];

/**
 * Door 3, the original API: `POST {collection}/bulk-import` with the file in the body (≤ 5 MB),
 * imported synchronously and recorded as a job. Same bulk writes and job checkpoints as the S3 door.
 */
export function bulkImportFunctions(entity: Entity): FunctionDeclaration[] {
  if (!entity.import) return [];
  return [
    {
      id: `${entity.name}-bulk-import`,
      entry: `functions/${entity.name}/bulk-import.ts`,
      description: `Imports a CSV or XLSX file of ${entity.name} sent in the request (up to 5 MB), answered synchronously`,
      routes: [{ method: 'POST', path: `${entity.routes.collection}/bulk-import` }],
      permission: 'staff',
      tables: [
        { table: entity.name, actions: ['GetItem', 'BatchGetItem', 'BatchWriteItem', 'PutItem', 'UpdateItem'] },
        { table: importJobsTable.id, actions: ['GetItem', 'PutItem', 'UpdateItem'] },
        // import.completed commits with the job's final state.
        { table: outboxTable.id, actions: ['PutItem'] },
      ],
      // A 5 MB file is ~100k rows: give it the most API Gateway waits for (the time budget
      // still answers before the 29 s integration limit), not the 10 s of the other routes.
      timeoutSeconds: 29,
      cacheControl: NO_STORE,
      throttle: BULK_THROTTLE,
    },
  ];
}
