import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { bundleDir } from '../../infra/build/bundle-functions.js';
import { LambdaInvoker, LambdaTimeoutError } from '../../infra/local/lambda-invoker.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'invoke-in-child.ts');

export interface ChildInvocation {
  functionId: string;
  pid: number;
  startedAt: number;
}

/**
 * The local invoker with a real process per invocation for some functions (the chaos
 * harness's fault point for "worker killed mid-chunk"): each invocation of a function in
 * `functionIds` forks a child that loads the bundle cold and runs the handler, so a scenario
 * can SIGKILL it mid-work — nothing after the kill runs, as when Lambda's container dies.
 * The poller sees a failed invocation and SQS redelivers after the visibility timeout. Every
 * other function runs in process, as `npm start` runs it.
 */
export class ChildProcessInvoker extends LambdaInvoker {
  private readonly running = new Map<number, { child: ChildProcess; invocation: ChildInvocation }>();
  /** Invocations started in a child, per function id. */
  readonly started: Record<string, number> = {};

  constructor(
    private readonly functionIds: ReadonlySet<string>,
    /** The environment a child starts with (read at each invocation: the stack's env after its fault points). */
    private readonly env: () => Record<string, string | undefined>,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    super();
  }

  override invoke(fn: LambdaDeclaration, event: unknown): Promise<unknown> {
    if (!this.functionIds.has(fn.id)) return super.invoke(fn, event);
    const timeoutMs = (fn.timeoutSeconds ?? 10) * 1000;
    const deadline = Date.now() + timeoutMs;
    const child = fork(CHILD, [], {
      env: { ...this.env(), POWERTOOLS_SERVICE_NAME: fn.id },
      execArgv: process.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const invocation: ChildInvocation = { functionId: fn.id, pid: child.pid ?? -1, startedAt: Date.now() };
    this.started[fn.id] = (this.started[fn.id] ?? 0) + 1;
    this.running.set(invocation.pid, { child, invocation });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) this.log(`[${fn.id} pid ${invocation.pid}] ${line}`);
      });
    }
    return new Promise<unknown>((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        answered = true;
        reject(new LambdaTimeoutError(`${fn.id} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('message', (answer: { ok: boolean; result?: unknown; error?: string }) => {
        answered = true;
        clearTimeout(timer);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(answer.error));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        if (!answered) reject(error);
        answered = true;
      });
      child.once('exit', (code, signal) => {
        this.running.delete(invocation.pid);
        clearTimeout(timer);
        if (!answered) reject(new Error(`${fn.id} (pid ${invocation.pid}) exited before answering: ${signal ?? `code ${code}`}`));
      });
      child.send({ file: pathToFileURL(path.join(bundleDir(fn), 'index.mjs')).href, functionId: fn.id, deadline, event });
    });
  }

  /** Invocations of `functionId` running now, oldest first. */
  live(functionId: string): ChildInvocation[] {
    return [...this.running.values()].map((entry) => entry.invocation).filter((entry) => entry.functionId === functionId);
  }

  /** SIGKILLs the running invocation with this pid; false when it already ended. */
  kill(pid: number): boolean {
    const entry = this.running.get(pid);
    return entry ? entry.child.kill('SIGKILL') : false;
  }

  /** Kills every child still running (the stack's stop). */
  killAll(): void {
    for (const { child } of this.running.values()) child.kill('SIGKILL');
  }
}
