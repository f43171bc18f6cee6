import { inLanes, statusLine, withRetries } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import { countersMatchItems, STUDENTS, storedStudentIds } from '../student-ledger.js';

const ROWS = 1_000;
const FRACTION = 0.25;

/**
 * A share of every DynamoDB request is answered with a throttling error by the fault proxy
 * (ProvisionedThroughputExceededException for API creates, ThrottlingException for the bulk
 * import). The SDK retries with backoff; what still fails is a 503 + Retry-After that a client
 * retries. Afterwards every student is stored once and the counters agree with the items.
 */
export const dynamodbThrottled: ChaosScenario = {
  name: 'dynamodb-throttled',
  about: `${FRACTION * 100}% of DynamoDB requests throttled: API creates and a ${ROWS}-row bulk import`,
  async run(chaos, checks) {
    const tag = `DT${Date.now().toString(36).toUpperCase()}`;
    const throttledBefore = chaos.dynamodb.stats.throttled;
    try {
      chaos.dynamodb.throttle({ fraction: FRACTION, code: 'ProvisionedThroughputExceededException' });
      const creates = await inLanes(Array.from({ length: 40 }, (_, i) => i), 4, (n) =>
        withRetries(() => chaos.request('POST', STUDENTS, { json: { student_id: `${tag}-${n}`, first_name: 'Throttled', last_name: `Row ${n}`, hometown: 'Hue' }, as: 'staff' })),
      );
      const attempts = creates.flat();
      const finals = creates.map((tries) => tries.at(-1)!);
      checks.expectDocumented('every create attempt answers 201 or 503 + Retry-After (409 on a retry: it had been written)', attempts, [201, 409, 503]);
      checks.expect('every create completes (201, or 409 after a 503 that had been written)', finals.every((res) => res.status === 201 || res.status === 409), `final ${statusLine(finals)}; ${attempts.length - creates.length} client retries`);

      chaos.dynamodb.throttle({ fraction: FRACTION, code: 'ThrottlingException' });
      const csv = ['student_id,first_name,last_name,hometown,math_score,literature_score,english_score', ...Array.from({ length: ROWS }, (_, i) => `${tag}-B${i},Bulk,Row ${i},Da Nang,5,6,7`)].join('\n');
      // A 503 or a time-budget stop is answered with an error the client acts on: re-send in upsert mode (docs/import-jobs.md).
      const imports = await withRetries(() => chaos.request('POST', `${STUDENTS}/bulk-import?mode=upsert`, { body: csv, headers: { 'content-type': 'text/csv' }, as: 'staff' }));
      let last = imports.at(-1)!;
      for (let extra = 0; (last.status === 413 || last.status === 504 || last.status === 503) && extra < 4; extra++) {
        last = (await withRetries(() => chaos.request('POST', `${STUDENTS}/bulk-import?mode=upsert`, { body: csv, headers: { 'content-type': 'text/csv' }, as: 'staff' }))).at(-1)!;
        imports.push(last);
      }
      checks.expectDocumented('bulk import answers 200, or 503 + Retry-After / 413 naming the job', imports.filter((res) => res.status !== 504), [200, 413, 503]);
      checks.expect('bulk import never answers 504 (the time budget stops it with 413 at a checkpoint)', imports.every((res) => res.status !== 504), statusLine(imports));
      checks.expect('bulk import completes under throttling', last.status === 200 && last.body?.errors === 0, `${imports.length} request(s), last ${last.status}: created ${last.body?.created}, updated ${last.body?.updated}, errors ${last.body?.errors}`);
    } finally {
      chaos.dynamodb.throttle(undefined);
    }
    const throttled = chaos.dynamodb.stats.throttled - throttledBefore;
    checks.expect('the proxy really throttled requests', throttled > 20, `${throttled} requests throttled (${Object.entries(chaos.dynamodb.stats.throttledByOperation).map(([op, n]) => `${op} ${n}`).join(', ')})`);
    const stored = (await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-`));
    const bulk = stored.filter((id) => id.startsWith(`${tag}-B`));
    checks.expect('nothing lost: 40 API creates and every imported row stored', stored.length - bulk.length === 40 && bulk.length === ROWS, `${stored.length - bulk.length} created, ${bulk.length} imported`);
    const counted = await countersMatchItems(chaos);
    checks.expect('counter total equals items (no double-counted retry)', counted.pass, counted.detail);
    const sample = await chaos.request('GET', `${STUDENTS}/${tag}-B${ROWS - 1}`, { as: 'viewer' });
    checks.expect('an imported row reads back', sample.status === 200 && sample.body?.hometown === 'Da Nang', `${sample.status}`);
  },
};
