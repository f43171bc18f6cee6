import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { ReportKind } from '../import-tally.js';
import type { ImportRowDetail, ImportSummary } from '../import-summary.js';
import { ReportBuffer } from '../report-buffer.js';
import { reportHeader } from '../report-lines.js';
import { jobView, type ImportJob } from '../jobs/import-job.js';
import type { JobReport } from '../jobs/job-report.js';
import { reportKeys } from '../jobs/report-keys.js';

/** S3 user metadata naming the segment before this one (absent on a chain's first). */
const PREV_SEGMENT = 'prev-segment';

const rowTag = (row: number) => String(Math.min(row, 9_999_999_999)).padStart(10, '0');

/**
 * The job report in the imports bucket. Segments are `reports/{id}/segments/{from}-{to}-{owner}.csv`
 * (one PUT per checkpoint that has lines; the owner in the key keeps a worker that lost its
 * lease from overwriting another's segment), each naming its predecessor in its metadata.
 * errors.csv is assembled at the end by walking the committed chain back (one HEAD per
 * segment) and streaming the segments, in order, through a multipart upload: memory holds the
 * segment keys and one upload part, whatever the number of lines.
 */
export class S3ImportReport implements JobReport {
  private readonly buffer: ReportBuffer;
  private readonly keys: ReturnType<typeof reportKeys>;
  private readonly owner: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly idField: string,
    importId: string,
    owner: string,
  ) {
    this.buffer = new ReportBuffer(idField);
    this.keys = reportKeys(importId);
    this.owner = owner.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'worker';
  }

  add(kind: ReportKind, detail: ImportRowDetail): void {
    this.buffer.add(kind, detail);
  }

  get pendingBytes(): number {
    return this.buffer.bytes;
  }

  async flush(fromRow: number, toRow: number, after: string | undefined): Promise<string | undefined> {
    const body = this.buffer.take(toRow);
    if (!body) return after;
    const key = `${this.keys.segments}${rowTag(fromRow)}-${rowTag(toRow)}-${this.owner}.csv`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
        ...(after ? { Metadata: { [PREV_SEGMENT]: after } } : {}),
      }),
    );
    return key;
  }

  async write(job: ImportJob, summary: ImportSummary, heads: readonly (string | undefined)[]): Promise<string> {
    const segments: string[] = [];
    for (const head of heads) segments.push(...(await this.chain(head)));
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.keys.errors, Body: Readable.from(this.lines(segments)), ContentType: 'text/csv; charset=utf-8' },
      queueSize: 1,
    }).done();
    const body = JSON.stringify({ ...jobView(job), summary }, null, 2);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keys.summary, Body: body, ContentType: 'application/json' }));
    return `s3://${this.bucket}/${this.keys.prefix}`;
  }

  /** The segments of the chain ending at `head`, first to last. */
  private async chain(head: string | undefined): Promise<string[]> {
    const keys: string[] = [];
    for (let key = head; key; ) {
      keys.push(key);
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      key = out.Metadata?.[PREV_SEGMENT];
    }
    return keys.reverse();
  }

  private async *lines(segments: readonly string[]): AsyncGenerator<Uint8Array> {
    yield Buffer.from(reportHeader(this.idField));
    for (const key of segments) {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
    }
  }
}
