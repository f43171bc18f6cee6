import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { counterKey, PK, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { students } from '../../shared/students/students.entity.js';
import { apiEvent } from './api-event.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, printTable } from './bench-report.js';
import { benchStudent } from './bench-students.js';
import { functionById, loadBundleHandler } from './bundle-handler.js';
import { ms, summarize } from './percentiles.js';

const PAGE_SIZE = 100;
const WARMUP = 100;
const ITERATIONS = 600;
const ENCODINGS = ['identity', 'gzip', 'br'] as const;

/**
 * `http`: the students-list bundle answering one page of 100 students, with Accept-Encoding
 * identity, gzip and br in rotation (same process, same data): response bytes on the wire
 * and the latency compression adds at p50.
 */
export async function runHttpBench(): Promise<BenchOutcome> {
  const fn = functionById('students-list');
  bundleFunctions([fn]);
  const db = await startBenchDatabase();
  try {
    const tableName = db.env[tableDesign(students).envVar]!;
    for (let start = 0; start < PAGE_SIZE; start += 25) {
      const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: toRecord(students, tableDesign(students), benchStudent(start + i)) } }));
      await db.doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    }
    await db.doc.send(new PutCommand({ TableName: tableName, Item: { [PK]: counterKey(0), n: PAGE_SIZE } }));
    const handler = await loadBundleHandler(fn, 'http');
    const call = async (encoding: (typeof ENCODINGS)[number]) => {
      const event = apiEvent({ method: 'GET', route: students.routes.collection, query: { page_size: String(PAGE_SIZE) } });
      event.headers['accept-encoding'] = encoding;
      const started = performance.now();
      const response = await handler(event);
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`students-list answered ${response.statusCode}`);
      const bytes = Buffer.from(response.body ?? '', response.isBase64Encoded ? 'base64' : 'utf8').length;
      return { elapsed, bytes, encoding: String(response.headers?.['content-encoding'] ?? 'identity') };
    };
    const samples: Record<string, { ms: number[]; bytes: number; sent: string }> = {};
    for (const encoding of ENCODINGS) samples[encoding] = { ms: [], bytes: 0, sent: '' };
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      // Rotate the order so drift and connection reuse hit every encoding alike.
      for (let k = 0; k < ENCODINGS.length; k++) {
        const encoding = ENCODINGS[(i + k) % ENCODINGS.length]!;
        const result = await call(encoding);
        const sample = samples[encoding]!;
        if (i >= WARMUP) sample.ms.push(result.elapsed);
        sample.bytes = result.bytes;
        sample.sent = result.encoding;
      }
    }
    const stats = Object.fromEntries(ENCODINGS.map((encoding) => [encoding, summarize(samples[encoding]!.ms)]));
    const identity = samples.identity!;
    printTable(
      ['Accept-Encoding', 'sent', 'bytes', 'ratio', 'p50 ms', 'p95 ms', '+p50 vs identity'],
      ENCODINGS.map((encoding) => [
        encoding,
        samples[encoding]!.sent,
        String(samples[encoding]!.bytes),
        (samples[encoding]!.bytes / identity.bytes).toFixed(3),
        ms(stats[encoding]!.p50),
        ms(stats[encoding]!.p95),
        ms(stats[encoding]!.p50 - stats.identity!.p50),
      ]),
    );
    return {
      name: 'http',
      checks: ENCODINGS.filter((encoding) => encoding !== 'identity').map((encoding) => ({
        name: `list page of ${PAGE_SIZE} with ${encoding}`,
        measured: `${samples[encoding]!.bytes} B (${((samples[encoding]!.bytes / identity.bytes) * 100).toFixed(1)}% of ${identity.bytes} B), +${ms(stats[encoding]!.p50 - stats.identity!.p50)} ms p50`,
        target: 'report',
      })),
      data: { pageSize: PAGE_SIZE, iterations: ITERATIONS, bytes: Object.fromEntries(ENCODINGS.map((e) => [e, samples[e]!.bytes])), stats },
    };
  } finally {
    await db.stop();
  }
}
