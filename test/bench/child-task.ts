import { spawn } from 'node:child_process';
import path from 'node:path';

/** What a bench task process prints as its last stdout line. */
export interface TaskMeasure<T> {
  result: T;
  ms: number;
  cpuMs: number;
  /** getrusage maxrss of the task process alone, in bytes. */
  peakRss: number;
}

export interface ChildTaskOptions {
  env?: NodeJS.ProcessEnv;
  /** The task is killed and the promise rejects once it runs this long. */
  timeoutMs: number;
  /** What the timeout message says the task was waiting on (e.g. the job's last progress). */
  describe?: () => string;
}

/** A bench task that did not finish in its time budget. */
export class TaskTimeoutError extends Error {}

/**
 * Runs `node <file> ...argv` in a fresh process (so its peak RSS is its own; `.ts` files through
 * `--import tsx`, which costs ~200 MB more RSS when the task loads a function bundle) and
 * resolves with the `{ result, ms, cpuMs, peakRss }` it prints last. Asynchronous on purpose:
 * servers living in the bench process (the local S3 endpoint the importer reads from) must
 * keep answering while the task runs — `spawnSync` would block them and deadlock the task.
 * A task still running at `timeoutMs` is killed and reported, never waited on forever.
 */
export function runChildTask<T>(file: string, argv: readonly string[], options: ChildTaskOptions): Promise<TaskMeasure<T>> {
  const name = path.basename(file);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file, ...argv], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keepTail(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keepTail(stderr + chunk)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        const waiting = options.describe ? `; ${options.describe()}` : '';
        reject(
          new TaskTimeoutError(
            `${name} did not finish within ${(options.timeoutMs / 1000).toFixed(0)} s and was killed${waiting}${stderr ? `\n--- its stderr (tail) ---\n${stderr}` : ''}`,
          ),
        );
      } else if (code !== 0) {
        reject(new Error(`${name} failed (exit ${code ?? signal}):\n${stderr || stdout}`));
      } else {
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as TaskMeasure<T>);
        } catch {
          reject(new Error(`${name} printed no result line:\n${stdout}`));
        }
      }
    });
  });
}

/** Only the last 64 kB of a task's output is kept (enough for its result line and an error). */
function keepTail(text: string): string {
  return text.length > 65_536 ? text.slice(-65_536) : text;
}
