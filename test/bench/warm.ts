import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { PK, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { students } from '../../shared/students/students.entity.js';
import { apiEvent } from './api-event.js';
import { startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, printTable, verdict } from './bench-report.js';
import { functionById, loadBundleHandler } from './bundle-handler.js';
import { ms, summarize } from './percentiles.js';
import { responseText } from './response-body.js';

/** Issue target: a warm GET through the whole handler at most this many times a raw GetItem (p50). */
const TARGET_RATIO = 1.3;
const WARMUP = 300;
const ITERATIONS = 2_000;
const STUDENT_ID = 'BENCH0001';

/**
 * `warm`: in one process against in-memory DynamoDB Local, the students-get bundle (middy
 * chain, validation, Powertools, service, adapter) versus a bare DocumentClient GetCommand
 * on the same item. Calls alternate, with the order flipped every iteration, so drift and
 * connection reuse hit both sides alike.
 */
export async function runWarmBench(): Promise<BenchOutcome> {
  const fn = functionById('students-get');
  bundleFunctions([fn]);
  const db = await startBenchDatabase();
  try {
    const tableName = db.env[tableDesign(students).envVar]!;
    const now = new Date().toISOString();
    const student = {
      student_id: STUDENT_ID,
      first_name: 'Linh',
      last_name: 'Nguyen',
      email: 'linh.nguyen@example.edu',
      hometown: 'Hanoi',
      math_score: 8.5,
      literature_score: 7.25,
      english_score: 9,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await db.doc.send(new PutCommand({ TableName: tableName, Item: toRecord(students, tableDesign(students), student) }));

    const handler = await loadBundleHandler(fn, 'warm');
    const event = () => apiEvent({ method: 'GET', route: students.routes.item, pathParameters: { student_id: STUDENT_ID } });
    const viaHandler = async () => {
      const request = event();
      const started = performance.now();
      const response = await handler(request);
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`students-get answered ${response.statusCode}: ${responseText(response)}`);
      return elapsed;
    };
    const viaSdk = async () => {
      const started = performance.now();
      const out = await db.doc.send(new GetCommand({ TableName: tableName, Key: { [PK]: STUDENT_ID } }));
      const elapsed = performance.now() - started;
      if (!out.Item) throw new Error('raw GetCommand found no item');
      return elapsed;
    };

    const first = await handler(event());
    const body = JSON.parse(responseText(first)) as Record<string, unknown>;
    if (first.statusCode !== 200 || body.student_id !== STUDENT_ID) throw new Error(`unexpected first response: ${first.statusCode} ${responseText(first)}`);

    const measure = async (count: number) => {
      const handlerMs: number[] = [];
      const sdkMs: number[] = [];
      for (let i = 0; i < count; i++) {
        if (i % 2 === 0) {
          handlerMs.push(await viaHandler());
          sdkMs.push(await viaSdk());
        } else {
          sdkMs.push(await viaSdk());
          handlerMs.push(await viaHandler());
        }
      }
      return { handlerMs, sdkMs };
    };
    console.log(`DynamoDB Local in memory at ${db.endpoint}; warm-up ${WARMUP} each, then ${ITERATIONS} alternating iterations each\n`);
    await measure(WARMUP);
    const samples = await measure(ITERATIONS);
    const handlerStats = summarize(samples.handlerMs);
    const sdkStats = summarize(samples.sdkMs);
    const ratio = handlerStats.p50 / sdkStats.p50;
    const pass = ratio <= TARGET_RATIO;

    printTable(
      ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms'],
      [['students-get handler (bundle)', handlerStats] as const, ['raw GetCommand (DocumentClient)', sdkStats] as const].map(([label, stat]) => [
        label,
        String(stat.n),
        ms(stat.p50),
        ms(stat.p95),
        ms(stat.p99),
        ms(stat.mean),
        ms(stat.max),
      ]),
    );
    console.log(
      `\np50 ratio handler/raw: ${ratio.toFixed(2)}× (handler overhead ≈ ${ms(handlerStats.p50 - sdkStats.p50)} ms) — target ≤ ${TARGET_RATIO}× → ${verdict(pass)}`,
    );
    return {
      name: 'warm',
      checks: [
        {
          name: 'students-get handler / raw GetItem (p50)',
          measured: `${ratio.toFixed(2)}× (${ms(handlerStats.p50)} vs ${ms(sdkStats.p50)} ms)`,
          target: `≤ ${TARGET_RATIO}×`,
          pass,
        },
      ],
      data: { warmup: WARMUP, iterations: ITERATIONS, targetRatio: TARGET_RATIO, p50Ratio: ratio, handler: handlerStats, rawGet: sdkStats },
    };
  } finally {
    await db.stop();
  }
}
