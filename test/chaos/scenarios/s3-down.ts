import type { S3Event } from 'aws-lambda';
import { invokeImportHandler } from '../../../infra/local/local-import-trigger.js';
import { importTrigger } from '../../../shared/import/import-trigger.js';
import { describeImport, eventually, FINAL_IMPORT_STATUSES, importFinished, sleep } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import { counterDrift, countersMatchItems, listedTotal, storedStudentIds, studentLedger } from '../student-ledger.js';

const IMPORTS = '/api/v1/imports';
const SMALL = 200;
const LARGE = 2_000;

/**
 * The local S3 endpoint goes away (a TCP proxy in front of it cuts every connection), first
 * during a presigned upload, then while an import job reads its file. The upload fails loudly
 * at the client and the job stays `queued`; the same URL works once S3 is back. A job whose
 * reads fail never claims rows it did not write; redelivering its notification (what Lambda's
 * asynchronous retry does in AWS) resumes it from its checkpoint to exactly every row.
 */
export const s3Down: ChaosScenario = {
  name: 's3-down',
  about: 'local S3 endpoint cut during a presigned upload and during an import',
  async run(chaos, checks) {
    const tag = `S3${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const captured: S3Event[] = [];
    const stopCapture = chaos.stack.imports.s3.addNotification({
      id: 'chaos-capture',
      bucket: chaos.stack.imports.bucket,
      events: importTrigger.events,
      prefix: 'imports/',
      suffix: '.csv',
      deliver: (event) => void captured.push(event),
    });
    try {
      // 1. Upload while S3 is down.
      await chaos.s3.cut();
      const ticket = await chaos.request('POST', IMPORTS, { json: { entity: 'students', filename: `${tag}-small.csv`, mode: 'create' }, as: 'staff' });
      checks.expect(
        'POST /imports while S3 is down: 201 ticket (signing needs no S3) or 503 + Retry-After',
        ticket.status === 201 || ticket.status === 503,
        `${ticket.status}`,
      );
      if (ticket.status !== 201) await chaos.s3.restore();
      const job =
        ticket.status === 201
          ? ticket
          : await chaos.request('POST', IMPORTS, { json: { entity: 'students', filename: `${tag}-small.csv`, mode: 'create' }, as: 'staff' });
      const small = csv(tag, 'A', SMALL);
      const failedUpload = await put(job.body.upload_url, small);
      checks.expect('the upload fails loudly at the client while S3 is down', failedUpload !== 200, `PUT → ${failedUpload}`);
      const queued = await chaos.request('GET', `${IMPORTS}/${job.body.import_id}`, { as: 'viewer' });
      checks.expect(
        'the job says queued (nothing arrived), not failed or completed',
        queued.body?.status === 'queued',
        `${queued.status} ${queued.body?.status}`,
      );
      await chaos.s3.restore();
      const retriedUpload = await put(job.body.upload_url, small);
      checks.expect('the same presigned URL works once S3 is back', retriedUpload === 200, `PUT → ${retriedUpload}`);
      const smallJob = await importFinished(chaos, job.body.import_id, 60_000, 300);
      checks.expect(
        `that job completes with all ${SMALL} rows`,
        smallJob?.body?.status === 'completed' && smallJob.body.created === SMALL,
        describeImport(smallJob),
      );

      // 2. S3 goes away while a job reads its file.
      const big = await chaos.request('POST', IMPORTS, { json: { entity: 'students', filename: `${tag}-large.csv`, mode: 'create' }, as: 'staff' });
      const bigId = big.body.import_id as string;
      const uploaded = await put(big.body.upload_url, csv(tag, 'B', LARGE));
      checks.expect(`upload of ${LARGE} rows`, uploaded === 200, `PUT → ${uploaded}`);
      const reading = await eventually(
        async () => {
          const res = await chaos.request('GET', `${IMPORTS}/${bigId}`, { as: 'viewer' });
          return res.body?.status === 'running' || FINAL_IMPORT_STATUSES.has(res.body?.status);
        },
        30_000,
        50,
      );
      const at = await chaos.request('GET', `${IMPORTS}/${bigId}`, { as: 'viewer' });
      await chaos.s3.cut();
      checks.expect(
        'S3 cut while the job runs',
        reading && at.body?.status === 'running',
        `cut at ${at.body?.status}, ${at.body?.rows_processed ?? 0} rows, ${at.body?.bytes_processed ?? 0}/${at.body?.bytes_total ?? '?'} bytes`,
      );
      await sleep(3_000);
      const stuck = await chaos.request('GET', `${IMPORTS}/${bigId}`, { as: 'viewer' });
      await chaos.s3.restore();
      const storedMid = (await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-B`)).length;
      const claims = Number(stuck.body?.created ?? 0);
      checks.expect(
        'while S3 is down the job claims no more rows than it wrote, and is not "completed" short',
        claims <= storedMid && !(stuck.body?.status === 'completed' && claims < LARGE),
        `${describeImport(stuck)}; ${storedMid} stored`,
      );
      const settled = await importFinished(chaos, bigId, 5_000, 300);
      if (settled?.body?.status !== 'completed') {
        // Lambda retries an asynchronous invocation after a minute or two in AWS; the local trigger retries at once. Redeliver as the later retry would.
        const event = captured.find((candidate) =>
          candidate.Records.some((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')).includes(`${tag}-large.csv`)),
        );
        checks.expect(
          'the job is resumable after S3 is back (its notification redelivered)',
          event !== undefined,
          settled ? describeImport(settled) : 'no answer',
        );
        if (event) await invokeImportHandler(event, (line) => chaos.logs.push(line));
      }
      const done = await importFinished(chaos, bigId, 240_000, 300);
      checks.expect(
        `the job ends completed with exactly ${LARGE} rows created`,
        done?.body?.status === 'completed' && done.body.created === LARGE && done.body.errors === 0,
        describeImport(done),
      );
      const storedBig = (await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-B`)).length;
      checks.expect('every row stored once (no row lost, none twice)', storedBig === LARGE, `${storedBig} stored`);
      // Imports write through the bulk path: the list (and its total) must show them as a write would.
      const ledger = await studentLedger(chaos);
      const listed = await listedTotal(chaos);
      checks.expect(
        'right after the import the list total shows its rows (no stale cached page)',
        listed === ledger.counted,
        `list total ${listed}, counter shards ${ledger.counted}`,
      );
      const counted = await countersMatchItems(chaos, drift);
      checks.expect('counter total equals items', counted.pass, counted.detail);
    } finally {
      stopCapture();
      await chaos.s3.restore().catch(() => undefined);
    }
  },
};

function csv(tag: string, part: string, rows: number): string {
  return [
    'student_id,first_name,last_name,hometown,math_score,literature_score,english_score',
    ...Array.from({ length: rows }, (_, i) => `${tag}-${part}${i},Upload,Row ${i},Can Tho,6,7,8`),
  ].join('\n');
}

/** PUT to a presigned URL; the status, or the client-side error code when no answer came. */
async function put(url: string, body: string): Promise<number | string> {
  try {
    const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    return ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
  }
}
