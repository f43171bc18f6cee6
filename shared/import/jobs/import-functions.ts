import { type FunctionDeclaration, NO_STORE } from '../../entity/entity-functions.js';
import { importTrigger } from '../import-trigger.js';
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
