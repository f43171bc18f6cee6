import { lambdaContext } from '../../infra/local/lambda-invoker.js';

/**
 * A child process running one invocation of a bundle for the chaos harness's
 * `ChildProcessInvoker`: receives `{ file, functionId, deadline, event }`, loads the bundle
 * (a cold container), runs its handler and sends back `{ ok, result }` or `{ ok: false, error }`.
 */
interface Invocation {
  file: string;
  functionId: string;
  deadline: number;
  event: unknown;
}

process.once('message', async (message: Invocation) => {
  let answer: { ok: true; result: unknown } | { ok: false; error: string };
  try {
    const module = (await import(message.file)) as { handler?: (event: unknown, context: unknown) => Promise<unknown> };
    if (typeof module.handler !== 'function') throw new Error(`${message.functionId}: bundle exports no handler`);
    answer = { ok: true, result: await module.handler(message.event, lambdaContext({ id: message.functionId }, message.deadline)) };
  } catch (error) {
    answer = { ok: false, error: (error as Error)?.stack ?? String(error) };
  }
  // Sockets or timers the bundle left must not keep the container alive.
  process.send?.(answer, () => process.exit(0));
});
