import { describe, expect, it } from 'vitest';
import type { InvocationObservation } from '../../infra/local/dashboard/local-telemetry.js';
import { LocalTelemetry } from '../../infra/local/dashboard/local-telemetry.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { sqsRecordOf } from '../support/eventbridge-sqs-record.js';
import { eventSourceTestFunction } from '../support/event-source-test-function.js';

const { fn } = eventSourceTestFunction('invoker-telemetry-test');
const sqs = (...actions: string[]) => ({ Records: actions.map((action, i) => sqsRecordOf(JSON.stringify({ action, n: i }), 'telemetry')) });

describe('LambdaInvoker observer (what the local dashboard counts per function)', () => {
  it('reports every invocation with its outcome, duration and partial batch failures', async () => {
    const seen: InvocationObservation[] = [];
    const telemetry = new LocalTelemetry();
    const invoker = new LambdaInvoker(undefined, (invocation) => {
      seen.push(invocation);
      telemetry.recordInvocation(invocation);
    });
    await invoker.invoke(fn, sqs('ok', 'ok'));
    await invoker.invoke(fn, sqs('ok', 'fail', 'fail'));
    await expect(invoker.invoke(fn, sqs('throw'))).rejects.toThrow(/handler failed/);
    expect(seen.map(({ functionId, outcome, batchItemFailures }) => ({ functionId, outcome, batchItemFailures }))).toEqual([
      { functionId: fn.id, outcome: 'ok', batchItemFailures: 0 },
      { functionId: fn.id, outcome: 'ok', batchItemFailures: 2 },
      { functionId: fn.id, outcome: 'error', batchItemFailures: 0 },
    ]);
    expect(seen.every((invocation) => invocation.ms >= 0)).toBe(true);
    const [row] = (await telemetry.snapshot()).functions;
    expect(row).toMatchObject({ function: fn.id, invocations: 3, errors: 1, timeouts: 0, batch_item_failures: 2 });
  });
});
