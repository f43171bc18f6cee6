import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosChecks } from '../chaos/chaos-checks.js';
import { type ChaosStack, startChaosStack } from '../chaos/chaos-stack.js';
import { dynamodbThrottled } from '../chaos/scenarios/dynamodb-throttled.js';

/**
 * The cheapest scenario of `npm run chaos` (docs/chaos.md) kept in `npm test`: a quarter of
 * DynamoDB requests answer ProvisionedThroughputExceededException while creates run; every
 * answer is 201 or 503 + Retry-After, a retrying client loses nothing, counters equal items.
 * The stack runs the prebuilt bundles (`npm run build`).
 */
let chaos: ChaosStack;

beforeAll(async () => {
  chaos = await startChaosStack({ bundle: false });
}, 90_000);
afterAll(async () => {
  await chaos?.stop();
});

describe('chaos: DynamoDB throttling injected', () => {
  it('creates retry and complete with nothing lost, answering only 201 or 503 + Retry-After', async () => {
    const checks = new ChaosChecks();
    await dynamodbThrottled.run(chaos, checks);
    expect(checks.results.filter((result) => !result.pass)).toEqual([]);
    expect(checks.results.length).toBeGreaterThanOrEqual(4);
  }, 90_000);
});
