import { describe, expect, it } from 'vitest';
import { CliError, type ImportJobView } from './api-client.js';
import { pollUntilDone } from './poll.js';

function scripted(steps: Array<Partial<ImportJobView> | Error>) {
  let i = 0;
  return async (): Promise<ImportJobView> => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return { import_id: 'imp_x', status: 'running', ...step } as ImportJobView;
  };
}

describe('pollUntilDone', () => {
  it('backs off ×1.5 while nothing moves, resets when it does, stops at a final status', async () => {
    const sleeps: number[] = [];
    const seen: string[] = [];
    const job = await pollUntilDone(
      scripted([
        { status: 'queued' },
        { status: 'queued' },
        { status: 'queued' },
        { status: 'queued' },
        { rows_processed: 5 },
        { status: 'completed', rows_processed: 9 },
      ]),
      (view) => seen.push(view.status),
      { initialMs: 100, maxMs: 200, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(job.status).toBe('completed');
    expect(seen).toEqual(['queued', 'queued', 'queued', 'queued', 'running', 'completed']);
    expect(sleeps).toEqual([100, 150, 200, 200, 100]);
  });

  it('retries transient failures, throws others', async () => {
    const transient = new CliError('503', 503, true);
    const job = await pollUntilDone(scripted([transient, transient, { status: 'failed', message: 'x' }]), () => undefined, {
      initialMs: 1,
      maxMs: 4,
      sleep: async () => undefined,
    });
    expect(job).toMatchObject({ status: 'failed', message: 'x' });
    await expect(
      pollUntilDone(scripted([new CliError('401', 401)]), () => undefined, { initialMs: 1, maxMs: 1, sleep: async () => undefined }),
    ).rejects.toThrow('401');
    await expect(
      pollUntilDone(scripted([transient]), () => undefined, { initialMs: 1, maxMs: 1, maxTransientFailures: 3, sleep: async () => undefined }),
    ).rejects.toBe(transient);
  });
});
