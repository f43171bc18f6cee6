import { describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { DYNAMODB_BREAKER, dynamoBreaker, pastOpenCircuit, throughCircuit } from './dynamodb-circuit.js';

const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
const aborted = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

function setup() {
  let now = 0;
  const breaker = dynamoBreaker(() => now);
  const ports = { logger: { warn: vi.fn() }, metrics: { addMetric: vi.fn() } };
  const call = (outcome: () => Error | undefined) =>
    throughCircuit(
      breaker,
      async () => {
        const error = outcome();
        if (error) throw error;
        return 'ok';
      },
      ports,
    ).catch((error: unknown) => error);
  return { breaker, ports, call, advance: (ms: number) => (now += ms) };
}

describe('throughCircuit (DynamoDB)', () => {
  it(`opens after ${DYNAMODB_BREAKER.failureThreshold} failed calls, fails fast with Retry-After, warns and counts once`, async () => {
    const { breaker, ports, call, advance } = setup();
    for (let i = 0; i < DYNAMODB_BREAKER.failureThreshold; i++) expect(await call(throttled)).toMatchObject({ name: 'ThrottlingException' });
    expect(breaker.state()).toBe('open');
    const fast = await call(() => undefined);
    expect(fast).toBeInstanceOf(DependencyUnavailableError);
    expect(fast).toMatchObject({ retryAfterSeconds: DYNAMODB_BREAKER.openMs / 1_000 });
    advance(DYNAMODB_BREAKER.openMs - 1_500);
    expect(await call(() => undefined)).toMatchObject({ retryAfterSeconds: 2 });
    expect(ports.logger.warn).toHaveBeenCalledTimes(1);
    expect(ports.metrics.addMetric).toHaveBeenCalledWith('CircuitOpen', 'Count', 1);
    advance(1_500);
    expect(await call(() => undefined)).toBe('ok'); // half-open trial worked
    expect(breaker.state()).toBe('closed');
  });

  it("counts neither the request's own budget running out nor an answer from DynamoDB as a failure", async () => {
    const { breaker, call } = setup();
    for (let i = 0; i < 10; i++) await call(aborted);
    for (let i = 0; i < DYNAMODB_BREAKER.failureThreshold - 1; i++) await call(throttled);
    await call(conditionFailed); // DynamoDB answered: the run of failures ends
    await call(throttled);
    expect(breaker.state()).toBe('closed');
  });

  it('lets a health probe through an open breaker, counts its outcome and leaves other calls failing fast', async () => {
    const { breaker, ports, call, advance } = setup();
    for (let i = 0; i < DYNAMODB_BREAKER.failureThreshold; i++) await call(throttled);
    expect(breaker.state()).toBe('open');
    advance(DYNAMODB_BREAKER.openMs - 1_000);
    // Still failing: the probe reaches DynamoDB, and its failure keeps the breaker open a full period.
    expect(await pastOpenCircuit(() => call(throttled))).toMatchObject({ name: 'ThrottlingException' });
    expect(breaker.retryInMs()).toBe(DYNAMODB_BREAKER.openMs);
    expect(ports.logger.warn).toHaveBeenCalledTimes(1); // not a new opening
    // Back: the probe answers while ordinary calls (outside it, even concurrent ones) still fail fast.
    const [probed, ordinary] = await Promise.all([pastOpenCircuit(() => call(() => undefined)), call(() => undefined)]);
    expect(probed).toBe('ok');
    expect(ordinary).toBeInstanceOf(DependencyUnavailableError);
    expect(breaker.state()).toBe('open');
    advance(DYNAMODB_BREAKER.openMs);
    expect(breaker.state()).toBe('closed'); // the probe that worked was its trial
  });
});
