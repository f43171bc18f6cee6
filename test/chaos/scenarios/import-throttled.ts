import { statusLine, withRetries } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import type { ChaosResponse } from '../chaos-stack.js';
import { counterDrift, countersMatchItems, STUDENTS, storedStudentIds } from '../student-ledger.js';

const ROWS = 1_000;
const FRACTION = 0.25;
/** What a client re-sends after (docs/import-jobs.md, door 3): a 503, or a stop at the time budget (413, and 504 if it ever comes). */
const RESEND = new Set([413, 503, 504]);

/**
 * A direct bulk import (door 3) while a share of DynamoDB requests answer ThrottlingException.
 * The SDK retries with backoff; what still fails the request is answered so the client can
 * re-send in upsert mode, which must not duplicate — and the counters must end equal to the
 * items (a row written by a failed attempt and then re-sent is one student, counted once).
 */
export const importThrottled: ChaosScenario = {
  name: 'import-throttled',
  about: `${FRACTION * 100}% of DynamoDB requests throttled during a ${ROWS}-row direct bulk import, re-sent in upsert mode until done`,
  async run(chaos, checks) {
    const tag = `IT${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const csv = [
      'student_id,first_name,last_name,hometown,math_score,literature_score,english_score',
      ...Array.from({ length: ROWS }, (_, i) => `${tag}-${i},Bulk,Row ${i},Da Nang,5,6,7`),
    ].join('\n');
    const send = () => chaos.request('POST', `${STUDENTS}/bulk-import?mode=upsert`, { body: csv, headers: { 'content-type': 'text/csv' }, as: 'staff' });
    const throttledBefore = chaos.dynamodb.stats.throttled;
    const imports: ChaosResponse[] = [];
    try {
      chaos.dynamodb.throttle({ fraction: FRACTION, code: 'ThrottlingException' });
      for (let request = 0; request < 6 && (imports.length === 0 || RESEND.has(imports.at(-1)!.status)); request++)
        imports.push(...(await withRetries(send, 2)));
    } finally {
      chaos.dynamodb.throttle(undefined);
    }
    const last = imports.at(-1)!;
    checks.expect(
      'the proxy really throttled requests',
      chaos.dynamodb.stats.throttled - throttledBefore > 10,
      `${chaos.dynamodb.stats.throttled - throttledBefore} throttled`,
    );
    checks.expectDocumented('every attempt answers 200, 503 + Retry-After or 413 naming the job', imports, [200, 413, 503]);
    checks.expect(
      'never a 504 (the budget watcher stops at a checkpoint with 413 first)',
      imports.every((res) => res.status !== 504),
      statusLine(imports),
    );
    checks.expect(
      'the import completes (possibly after re-sends)',
      last.status === 200 && last.body?.errors === 0,
      `${imports.length} request(s): ${statusLine(imports)}; last: created ${last.body?.created}, updated ${last.body?.updated}`,
    );
    const stored = (await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-`));
    checks.expect(`all ${ROWS} rows stored once`, stored.length === ROWS, `${stored.length} stored`);
    const counted = await countersMatchItems(chaos, drift);
    checks.expect('counter total equals items (rows of a failed attempt counted once)', counted.pass, counted.detail);
  },
};
