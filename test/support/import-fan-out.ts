import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { domainEvent } from '../../events/catalog.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { bufferByteSource } from '../../shared/import/byte-source.js';
import { MemorySink } from '../../shared/import/import-sink.js';
import type { ImportSummary } from '../../shared/import/import-summary.js';
import { type ChunkMessageDeps, handleChunkMessage } from '../../shared/import/jobs/handle-chunk-message.js';
import type { ChunkMessage, ImportChunkStore } from '../../shared/import/jobs/import-chunk.js';
import type { ImportJob, ImportJobStore } from '../../shared/import/jobs/import-job.js';
import { openRowSource } from '../../shared/import/open-row-source.js';
import { reportHeader, reportLine } from '../../shared/import/report-lines.js';
import { runImport } from '../../shared/import/run-import.js';
import { students } from '../../shared/students/students.entity.js';

/** The fan-out tests' reference: one uninterrupted pass over the same file, its summary and its errors.csv. */
export async function onePass(file: Buffer, name: string): Promise<{ summary: ImportSummary; report: string }> {
  const lines: { row: number; text: string }[] = [];
  const summary = await runImport({
    importId: 'reference',
    source: openRowSource(bufferByteSource(file), { name, entity: students }),
    entity: students,
    mode: 'create',
    sink: new MemorySink('student_id'),
    onDetail: (kind, detail) => lines.push({ row: detail.row, text: reportLine('student_id', kind, detail) }),
  });
  // Row order; a row's lines keep the order they were decided in (the sort is stable).
  const report =
    reportHeader('student_id') +
    lines
      .sort((a, b) => a.row - b.row)
      .map((line) => line.text)
      .join('');
  return { summary, report };
}

/** The totals and first error details of a fanned-out job equal those of one pass. */
export function expectSameAsOnePass(job: ImportJob, reference: ImportSummary): void {
  expect(job).toMatchObject({
    created: reference.created,
    updated: 0,
    skipped: reference.skipped,
    errors: reference.errors,
    warnings: reference.warnings,
    rows_processed: reference.total_rows,
  });
  expect(job.error_details).toEqual(reference.error_details);
}

/** The job's import.completed outbox rows (the publisher's parse), every page of the outbox scanned. */
export async function completedEventsOf(client: DynamoDBDocumentClient, jobId: string) {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: process.env[outboxTable.envVar], ConsistentRead: true, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter((event) => event.type === 'import.completed' && event.data.import_id === jobId);
}

/**
 * Resolves once chunk `index`'s lease (held by a worker that died) has expired: the redelivery of
 * its message comes after that, as in AWS (900 s visibility against a lease renewed every few
 * seconds for 60 s), where here both are seconds and a loaded machine could reorder them.
 */
export async function leaseRunOut(chunks: ImportChunkStore, jobId: string, index: number): Promise<void> {
  for (;;) {
    const chunk = (await chunks.list(jobId, index + 1)).find((candidate) => candidate.index === index);
    const left = (chunk?.lease_until ?? 0) - Date.now();
    if (left < 0) return;
    await new Promise((resolve) => setTimeout(resolve, left + 10));
  }
}

export interface ChunkQueueDrain {
  sqs: SQSClient;
  queueUrl: string;
  jobs: Pick<ImportJobStore, 'get'>;
}

/**
 * The event source mapping, in the test: receives chunk messages, runs up to `parallel` at once
 * through the worker's handling, deletes each handled one; a failed one stays and comes back after
 * the visibility timeout. Stops when the job has ended and the queue is empty.
 */
export async function drainChunks(
  { sqs, queueUrl, jobs }: ChunkQueueDrain,
  jobId: string,
  deps: (message: ChunkMessage, receiveCount: number) => ChunkMessageDeps | Promise<ChunkMessageDeps>,
  parallel = 3,
): Promise<{ failures: number; handled: string[] }> {
  const handled: string[] = [];
  let failures = 0;
  for (let round = 0; round < 200; round++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: parallel,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      if ((await jobs.get(jobId))?.status !== 'running') return { failures, handled };
      continue;
    }
    await Promise.all(
      messages.map(async (message) => {
        const body = JSON.parse(message.Body!) as ChunkMessage;
        try {
          const outcome = await handleChunkMessage(body, await deps(body, Number(message.Attributes?.ApproximateReceiveCount ?? 1)));
          handled.push(`${body.chunk}:${outcome.kind}`);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
        } catch {
          failures++;
        }
      }),
    );
  }
  throw new Error(`job ${jobId} did not end`);
}
