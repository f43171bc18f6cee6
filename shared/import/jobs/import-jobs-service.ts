import { invalidCursor } from '../../cursor/cursor-codec.js';
import { NotFoundError } from '../../errors/app-error.js';
import { presignedUrl } from '../s3/presigned-url.js';
import type { S3ClientLoader } from '../s3/s3-client.js';
import { type ImportJob, type ImportJobStore, jobView } from './import-job.js';

/** Report links handed out by GET: presigned for an hour. */
const REPORT_URL_SECONDS = 3600;

/**
 * The read side of import jobs: views with a presigned report link, and the recent list.
 * The S3 client is loaded by the first job that has a report.
 */
export function importJobsService(deps: { jobs: ImportJobStore; s3: S3ClientLoader }) {
  const view = async (job: ImportJob) => {
    const match = job.report_url ? /^s3:\/\/([^/]+)\/(.+)$/.exec(job.report_url) : null;
    const report_url = match ? await presignedUrl(await deps.s3(), 'GET', { Bucket: match[1]!, Key: `${match[2]}summary.json` }, REPORT_URL_SECONDS) : null;
    const { source, ...rest } = jobView(job);
    return { ...rest, source: { door: source.door, key: source.key }, report_url };
  };
  return {
    async get(id: string) {
      const job = await deps.jobs.get(id);
      if (!job) throw new NotFoundError('import.notFound', `Import '${id}' was not found.`, { id });
      return view(job);
    },
    async list(limit: number, cursor?: string) {
      let after: string | undefined;
      if (cursor !== undefined) {
        after = Buffer.from(cursor, 'base64url').toString('utf8');
        if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z#imp_[\w-]+$/.test(after)) throw invalidCursor('The cursor is malformed or was not issued by this API.');
      }
      const page = await deps.jobs.list(limit, after);
      return {
        items: await Promise.all(page.jobs.map(view)),
        next_cursor: page.next ? Buffer.from(page.next).toString('base64url') : null,
      };
    },
  };
}
