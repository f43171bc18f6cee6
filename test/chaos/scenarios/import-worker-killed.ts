import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { dlqName, queueDeclaration, queueUrlEnvVar } from '../../../shared/events/queues.js';
import { LOCAL_AWS_ENV } from '../../../infra/local/dynamodb-local.js';
import { IMPORT_CHUNKS_QUEUE } from '../../../shared/import/jobs/fan-out.js';
import { reportKeys } from '../../../shared/import/jobs/report-keys.js';
import { describeImport, eventually, importFinished, sleep, statusLine } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import { type ChaosResponse, type ChaosStack, IMPORT_WORKER } from '../chaos-stack.js';
import { counterDrift, countersMatchItems, storedStudentIds } from '../student-ledger.js';

const IMPORTS = '/api/v1/imports';
const STUDENTS = '/api/v1/students';
/** ~900 KB of CSV: over the chaos stack's 512 KB fan-out threshold, ~6 chunks of 160 KB. */
const ROWS = 20_000;
/** Every 500th row lacks its first name (required on create, an error): 40 error lines errors.csv must hold once each. */
const BAD_EVERY = 500;
/** Kill a worker once this many rows of the file are stored (mid-chunk: a chunk is ~3,500 rows). */
const KILL_AFTER_ROWS = 1_500;
/**
 * The chunk queue's visibility timeout during the scenario (900 s as deployed): longer than the
 * chunk lease (60 s after the killed worker's last checkpoint), so the redelivery finds the
 * lease expired and resumes the chunk — a redelivery inside the lease is dropped as a duplicate
 * of a live delivery, which is why AWS's 900 s ≥ 6× the worker timeout.
 */
const VISIBILITY_SECONDS = 75;

/**
 * The import worker's process is SIGKILLed mid-chunk (after some batches of its chunk are
 * written, between checkpoints, its lease never released) while a fanned-out import runs. SQS
 * redelivers its message after the visibility timeout; the redelivery resumes the chunk from
 * its checkpoint and replays the unrecorded batches. The job must end as one pass would: every
 * row stored once, counters equal to the rows, errors.csv with every bad row once, no 5xx on
 * the API meanwhile, nothing in the DLQ, no restart.
 */
export const importWorkerKilled: ChaosScenario = {
  name: 'import-worker-killed',
  about: `import-worker process SIGKILLed mid-chunk during a ${ROWS.toLocaleString('en')}-row fanned-out import`,
  async run(chaos, checks) {
    const tag = `KW${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const sqs = chaos.eventSide.eventSources.sqs.client;
    const queueUrl = chaos.eventSide.env[queueUrlEnvVar({ name: IMPORT_CHUNKS_QUEUE })]!;
    const dlqUrl = queueUrl.replace(/[^/]+$/, dlqName(queueDeclaration(IMPORT_CHUNKS_QUEUE)));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: String(VISIBILITY_SECONDS) } }));
    const probes: ChaosResponse[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        probes.push(await chaos.request('GET', `${STUDENTS}?page_size=5`, { as: 'viewer' }));
        await sleep(250);
      }
    })();
    try {
      const { rows, valid, bad } = roster(tag);
      const ticket = await chaos.request('POST', IMPORTS, { json: { entity: 'students', filename: `${tag}.csv`, mode: 'create' }, as: 'staff' });
      checks.expect('POST /imports 201', ticket.status === 201, `${ticket.status}`);
      const id = ticket.body.import_id as string;
      const put = await fetch(ticket.body.upload_url, { method: 'PUT', body: rows, headers: { 'content-type': 'text/csv' } });
      await put.arrayBuffer();
      checks.expect(`upload of ${ROWS} rows (${(rows.length / 1024).toFixed(0)} KB)`, put.status === 200, `PUT → ${put.status}`);

      // Wait until workers write the file, then kill the oldest one still running.
      let storedAtKill = 0;
      const writing = await eventually(
        async () => {
          storedAtKill = (await storedStudentIds(chaos)).filter((stored) => stored.startsWith(`${tag}-`)).length;
          return storedAtKill >= KILL_AFTER_ROWS && chaos.workers.live(IMPORT_WORKER).length > 0;
        },
        120_000,
        100,
      );
      const victim = chaos.workers.live(IMPORT_WORKER)[0];
      const killed = writing && victim !== undefined && chaos.workers.kill(victim.pid);
      const killedAt = Date.now();
      const atKill = await chaos.request('GET', `${IMPORTS}/${id}`, { as: 'viewer' });
      checks.expect(
        'an import-worker process SIGKILLed mid-chunk (file part-written, job running)',
        killed && storedAtKill < ROWS && atKill.body?.status === 'running',
        `pid ${victim?.pid} after ${victim ? ((killedAt - victim.startedAt) / 1000).toFixed(1) : '?'} s; ${storedAtKill} rows stored; job ${describeImport(atKill)}, fan-out ${JSON.stringify(atKill.body?.fan_out ?? null)}`,
      );
      const before = chaos.workers.started[IMPORT_WORKER] ?? 0;

      const done = await importFinished(chaos, id, (VISIBILITY_SECONDS + 180) * 1000, 500);
      const recoverySeconds = (Date.now() - killedAt) / 1000;
      const redelivered = (chaos.workers.started[IMPORT_WORKER] ?? 0) - before;
      checks.expect(
        `the job completes after SQS redelivers the killed chunk (visibility ${VISIBILITY_SECONDS} s)`,
        done?.body?.status === 'completed_with_errors' && done.body.created === valid.length && done.body.errors === bad.length,
        `${describeImport(done)}; ${recoverySeconds.toFixed(1)} s from kill to end, ${redelivered} invocations after the kill`,
      );
      const mine = (await storedStudentIds(chaos)).filter((stored) => stored.startsWith(`${tag}-`));
      const expected = new Set(valid);
      const unexpected = mine.filter((stored) => !expected.has(stored));
      checks.expect(
        'every valid row of the file stored exactly once (none lost, none twice, no bad row)',
        mine.length === valid.length && new Set(mine).size === mine.length && unexpected.length === 0,
        `${mine.length} stored of ${valid.length}; unexpected ${unexpected.length}`,
      );
      const counted = await countersMatchItems(chaos, drift);
      checks.expect('counter total equals items (the killed batches counted once)', counted.pass, counted.detail);
      const lines = (await errorsCsv(chaos, id)).split('\n').filter((line) => line.trim() !== '');
      // kind,row,id,field,message
      const reportIds = lines.slice(1).map((line) => (line.startsWith('error,') ? (line.split(',')[2] ?? '') : `not an error: ${line}`));
      const badIds = new Set(bad);
      checks.expect(
        `errors.csv complete: each of the ${bad.length} bad rows once, nothing else`,
        reportIds.length === bad.length && new Set(reportIds).size === bad.length && reportIds.every((reported) => badIds.has(reported)),
        `${reportIds.length} lines after the header (${lines[0]}); ${new Set(reportIds).size} distinct ids`,
      );
      const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      checks.expect(
        'nothing in the import-chunks DLQ',
        Number(dlq.Attributes?.ApproximateNumberOfMessages ?? 0) === 0,
        `${dlq.Attributes?.ApproximateNumberOfMessages}`,
      );
      probing = false;
      await probe;
      checks.expectDocumented('the API meanwhile: lists 200, no 5xx, no stack trace', probes, [200]);
      checks.expect('probes kept answering throughout', probes.length > 10, statusLine(probes));
    } finally {
      probing = false;
      await probe;
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: queueUrl,
          Attributes: { VisibilityTimeout: String(queueDeclaration(IMPORT_CHUNKS_QUEUE).visibilityTimeoutSeconds) },
        }),
      );
    }
  },
};

/** The CSV, the ids of its valid rows and of its bad ones (no first name). */
function roster(tag: string): { rows: string; valid: string[]; bad: string[] } {
  const valid: string[] = [];
  const bad: string[] = [];
  const lines = ['student_id,first_name,last_name,hometown,math_score,literature_score,english_score'];
  for (let i = 0; i < ROWS; i++) {
    const id = `${tag}-${i}`;
    const broken = i % BAD_EVERY === BAD_EVERY - 1;
    (broken ? bad : valid).push(id);
    lines.push(`${id},${broken ? '' : 'Killed'},Row ${i},Hue,6,7,8`);
  }
  return { rows: lines.join('\n'), valid, bad };
}

/** The job's errors.csv, read straight from the local S3 endpoint (behind the fault proxy). */
async function errorsCsv(chaos: ChaosStack, id: string): Promise<string> {
  const s3 = new S3Client({
    endpoint: chaos.s3Direct,
    forcePathStyle: true,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: chaos.stack.imports.bucket, Key: reportKeys(id).errors }));
    return (await object.Body?.transformToString()) ?? '';
  } catch (error) {
    return `unreadable: ${(error as Error).name}`;
  } finally {
    s3.destroy();
  }
}
