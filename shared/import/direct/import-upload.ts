import type { Entity } from '../../entity/define-entity.js';
import { entities } from '../../registry.js';
import { currentBudget } from '../../runtime/request-budget.js';
import type { HttpResult } from '../../http/http-types.js';
import type { ImportMode } from '../import-sink.js';
import { importJobContainer } from '../jobs/import-job-container.js';
import { directImport } from './direct-import.js';
import type { UploadedFile } from './upload-body.js';

/**
 * Door 3 as an HTTP answer: the uploaded file imported into `entity` within the request's
 * time budget, recorded as a job (200 with the summary, Location of the job). Shared by
 * `POST /api/v1/<entity>/bulk-import` and the table API's `POST /api/batch/import`.
 */
export async function importUpload(
  entity: Entity,
  file: UploadedFile,
  mode: ImportMode,
  request: { requestId: string; correlationId: string },
): Promise<HttpResult> {
  const container = importJobContainer(entities);
  const budget = currentBudget();
  const remainingMs = budget ? () => budget.deadline - Date.now() : undefined;
  const result = await directImport(
    { jobs: container.jobs, sink: container.sink(entity), entity, owner: request.requestId, remainingMs, correlationId: request.correlationId },
    file,
    mode,
  );
  return { statusCode: 200, body: result, headers: { location: `/api/v1/imports/${result.import_id}` } };
}
