import { inLanes, statusLine, withRetries } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import { counterDrift, countersMatchItems, STUDENTS, storedStudentIds } from '../student-ledger.js';

const CREATES = 40;
const FRACTION = 0.25;

/**
 * A quarter of every DynamoDB request (authorizer's revocation reads, the create transaction,
 * the stream poller) is answered ProvisionedThroughputExceededException by the fault proxy.
 * The SDK retries with backoff; what still fails is a 503 + Retry-After that a client retries.
 * Afterwards every student is stored once and the counters agree with the items.
 */
export const dynamodbThrottled: ChaosScenario = {
  name: 'dynamodb-throttled',
  about: `${FRACTION * 100}% of DynamoDB requests throttled during ${CREATES} API creates`,
  async run(chaos, checks) {
    const tag = `DT${Date.now().toString(36).toUpperCase()}`;
    const drift = await counterDrift(chaos);
    const throttledBefore = chaos.dynamodb.stats.throttled;
    const forwardedBefore = chaos.dynamodb.stats.forwarded;
    let creates: Awaited<ReturnType<typeof withRetries>>[];
    try {
      chaos.dynamodb.throttle({ fraction: FRACTION, code: 'ProvisionedThroughputExceededException' });
      creates = await inLanes(
        Array.from({ length: CREATES }, (_, i) => i),
        4,
        (n) =>
          withRetries(() =>
            chaos.request('POST', STUDENTS, {
              json: { student_id: `${tag}-${n}`, first_name: 'Throttled', last_name: `Row ${n}`, hometown: 'Hue' },
              as: 'staff',
            }),
          ),
      );
    } finally {
      chaos.dynamodb.throttle(undefined);
    }
    const attempts = creates.flat();
    const finals = creates.map((tries) => tries.at(-1)!);
    const throttled = chaos.dynamodb.stats.throttled - throttledBefore;
    const forwarded = chaos.dynamodb.stats.forwarded - forwardedBefore;
    checks.expect('the proxy really throttled requests', throttled > 10, `${throttled} of ${throttled + forwarded} requests throttled`);
    checks.expectDocumented('every create attempt answers 201 or 503 + Retry-After (409 on a retry: it had been written)', attempts, [201, 409, 503]);
    checks.expect(
      'every create completes (201, or 409 after a 503 that had been written)',
      finals.every((res) => res.status === 201 || res.status === 409),
      `final ${statusLine(finals)}; ${attempts.length - creates.length} client retries`,
    );
    const stored = (await storedStudentIds(chaos)).filter((id) => id.startsWith(`${tag}-`));
    checks.expect(`nothing lost: all ${CREATES} stored once`, stored.length === CREATES, `${stored.length} stored`);
    const counted = await countersMatchItems(chaos, drift);
    checks.expect('counter total equals items (no double-counted retry)', counted.pass, counted.detail);
  },
};
