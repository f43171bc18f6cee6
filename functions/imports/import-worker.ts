/** import-chunks queue → one chunk of a fanned-out import per record (partial batch failures). */
import { importWorkerHandler } from '../../shared/import/jobs/import-worker-handler.js';
import { entities } from '../../shared/registry.js';

export const handler = importWorkerHandler(entities);
