import { TaskTimeoutError } from './child-task.js';

/**
 * `work`, or a TaskTimeoutError naming what was awaited once `deadline` (epoch ms) passes;
 * `onTimeout` gets the chance to stop the work (abort an upload, stop autocannon). A bench
 * that stalls fails loudly with what it was waiting on instead of hanging the run.
 */
export async function withDeadline<T>(work: Promise<T>, deadline: number, what: () => string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        onTimeout?.();
        reject(new TaskTimeoutError(`bench timed out waiting for ${what()}`));
      },
      Math.max(1, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
