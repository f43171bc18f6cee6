import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { bundleDir } from '../build/bundle-functions.js';
import type { InvocationObservation } from './dashboard/local-telemetry.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaTimeoutError extends Error {}

/**
 * Loads a function's esbuild bundle (the file CDK deploys) once, like a warm container,
 * and invokes it with a Lambda-shaped context whose remaining time counts down from the
 * function's timeout. A handler still running at the deadline is reported as a timeout.
 */
export class LambdaInvoker {
  private readonly handlers = new Map<string, Promise<Handler>>();
  private loading: Promise<unknown> = Promise.resolve();

  /** `observe` sees every invocation's duration and outcome (the local dashboard). */
  constructor(
    private readonly timeoutMs = 10_000,
    private readonly observe?: (invocation: InvocationObservation) => void,
  ) {}

  async invoke(fn: LambdaDeclaration, event: unknown): Promise<unknown> {
    const handler = await this.load(fn);
    // The function's declared timeout, as CDK gives it in Lambda; else the invoker's default.
    const timeoutMs = fn.timeoutSeconds === undefined ? this.timeoutMs : fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = lambdaContext(fn, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(`${fn.id} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    const started = performance.now();
    let outcome: InvocationObservation['outcome'] = 'error';
    let result: unknown;
    try {
      result = await Promise.race([handler(event, context), timeout]);
      outcome = 'ok';
      return result;
    } catch (error) {
      if (error instanceof LambdaTimeoutError) outcome = 'timeout';
      throw error;
    } finally {
      clearTimeout(timer);
      this.observe?.({ functionId: fn.id, ms: performance.now() - started, outcome, batchItemFailures: batchItemFailureCount(result) });
    }
  }

  private load(fn: LambdaDeclaration): Promise<Handler> {
    let loaded = this.handlers.get(fn.id);
    if (!loaded) {
      // Loads run one at a time so each module initialises with its own function's env
      // (Powertools reads POWERTOOLS_SERVICE_NAME at init, as in its Lambda container).
      loaded = this.loading.then(() => importWithEnv(fn));
      this.loading = loaded.catch(() => undefined);
      this.handlers.set(fn.id, loaded);
    }
    return loaded;
  }
}

/** Records a consumer reported failed (`{ batchItemFailures: [...] }`), 0 for other results. */
function batchItemFailureCount(result: unknown): number {
  const failures = (result as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
  return Array.isArray(failures) ? failures.length : 0;
}

async function importWithEnv(fn: LambdaDeclaration): Promise<Handler> {
  const previous = process.env.POWERTOOLS_SERVICE_NAME;
  process.env.POWERTOOLS_SERVICE_NAME = fn.id;
  try {
    const file = pathToFileURL(path.join(bundleDir(fn), 'index.mjs')).href;
    const module = (await import(file)) as { handler?: Handler };
    if (typeof module.handler !== 'function') throw new Error(`${fn.id}: bundle exports no handler`);
    return module.handler;
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_SERVICE_NAME;
    else process.env.POWERTOOLS_SERVICE_NAME = previous;
  }
}

/** A Lambda context for `fn` whose remaining time counts down to `deadline` (epoch ms). */
export function lambdaContext(fn: Pick<LambdaDeclaration, 'id'>, deadline: number, logStreamName = 'local'): Context {
  const fail = () => {
    throw new Error('callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn.id}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.id}`,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}
