import { eventually, inLanes, isRetryable503, sleep, statusLine, withRetries } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import type { ChaosResponse } from '../chaos-stack.js';
import { counterDrift, countersMatchItems, STUDENTS, storedStudentIds, studentBody } from '../student-ledger.js';

/**
 * DynamoDB Local is stopped (the JVM, its data on disk) while creates are in flight, stays down
 * for a few seconds, and a new one starts on the same data. While down the API answers 503 +
 * Retry-After problem+json (docs/security.md, DESIGN "Errors"); no create is half written: each
 * id exists with its counter or not at all, and a client retrying its 503s ends with every
 * student stored exactly once.
 */
export const dynamodbDown: ChaosScenario = {
  name: 'dynamodb-down',
  about: 'DynamoDB Local stopped mid-writes and restarted on the same data',
  async run(chaos, checks) {
    const tag = `DD${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const before = await inLanes([0, 1, 2, 3, 4], 5, (n) => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }));
    checks.expect(
      'seed 5 students',
      before.every((res) => res.status === 201),
      statusLine(before),
    );

    // Creates in flight while the JVM goes away.
    const inFlight = inLanes(
      Array.from({ length: 30 }, (_, i) => 10 + i),
      4,
      (n) => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }),
    );
    // Some creates complete, some are cut mid-flight.
    await sleep(1_200);
    const stoppedAt = Date.now();
    await chaos.stopDynamoDb();
    const straddling = await inFlight;
    const during: ChaosResponse[] = [...straddling];
    checks.expect(
      'creates straddling the stop answer 201 or 503',
      straddling.every((res) => res.status === 201 || res.status === 503),
      statusLine(straddling),
    );

    // /health answers its own documented body (`{status: 'degraded'}` + Retry-After), checked here, not as a problem.
    const health = await chaos.request('GET', '/health');
    checks.expect(
      '/health answers 503 degraded + Retry-After',
      health.status === 503 && health.body?.checks?.dynamodb === 'unavailable' && /^\d+$/.test(health.headers.get('retry-after') ?? ''),
      `${health.status} ${health.text.slice(0, 100)}`,
    );
    const creates = await inLanes([50, 51, 52], 3, (n) => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }));
    during.push(...creates);
    checks.expect('creates while down: 503 + Retry-After problem+json', creates.every(isRetryable503), statusLine(creates));
    const others = await Promise.all([
      chaos.request('GET', `${STUDENTS}/${tag}-0`, { as: 'viewer' }),
      chaos.request('GET', `${STUDENTS}?page_size=5`, { as: 'viewer' }),
      chaos.request('PATCH', `${STUDENTS}/${tag}-1`, { json: { first_name: 'Down' }, as: 'staff' }),
      chaos.request('DELETE', `${STUDENTS}/${tag}-2`, { as: 'admin' }),
      chaos.request('GET', '/api/v1/imports', { as: 'viewer' }),
    ]);
    during.push(...others);
    checks.expect(
      'update and delete while down: 503 + Retry-After',
      isRetryable503(others[2]!) && isRetryable503(others[3]!),
      `${others[2]!.status}, ${others[3]!.status}`,
    );
    checks.expectDocumented('every answer while down is 2xx (cache) or 503 + Retry-After problem, no stack trace', during, [200, 201, 503]);
    await sleep(2_000);

    await chaos.startDynamoDb();
    const recovered = await eventually(async () => (await chaos.request('GET', '/health')).status === 200, 30_000, 200);
    checks.expect('API recovers after the restart (no stack restart)', recovered, `${((Date.now() - stoppedAt) / 1000).toFixed(1)} s from stop to /health 200`);

    // No half-written creates: what answered 201 exists; a 503'd one exists fully or not at all.
    const stored = new Set((await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-`)));
    const acked = straddling.map((res, i) => ({ id: `${tag}-${10 + i}`, status: res.status }));
    const lost = acked.filter((entry) => entry.status === 201 && !stored.has(entry.id));
    checks.expect('every create answered 201 is stored', lost.length === 0, `${lost.length} lost of ${acked.filter((e) => e.status === 201).length}`);
    const counted = await countersMatchItems(chaos, drift);
    checks.expect('counter total equals items right after recovery (no half-written create)', counted.pass, counted.detail);

    // The client retries what got 503: each ends 201, or 409 if the failed attempt had in fact been written.
    const retried = await inLanes(
      [...acked.filter((entry) => entry.status === 503).map((entry) => Number(entry.id.split('-').pop())), 50, 51, 52],
      4,
      async (n) => (await withRetries(() => chaos.request('POST', STUDENTS, { json: studentBody(tag, n), as: 'staff' }))).pop()!,
    );
    checks.expect(
      'retried creates end 201 (or 409: it had been written)',
      retried.every((res) => res.status === 201 || res.status === 409),
      statusLine(retried),
    );
    const final = new Set((await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-`)));
    checks.expect('all 38 students stored exactly once', final.size === 38, `${final.size} stored`);
    const updated = await chaos.request('PATCH', `${STUDENTS}/${tag}-1`, { json: { first_name: 'Back' }, as: 'staff' });
    checks.expect('writes work again', updated.status === 200 && updated.body?.first_name === 'Back', `${updated.status}`);
    const countedAfter = await countersMatchItems(chaos, drift);
    checks.expect('counter total equals items after the retries', countedAfter.pass, countedAfter.detail);
  },
};
