import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { bundleDir } from '../../infra/build/bundle-functions.js';
import { lambdaContext } from '../../infra/local/lambda-invoker.js';
import type { FunctionDeclaration } from '../../shared/entity/entity-functions.js';
import { functions } from '../../shared/registry.js';

export type BundleHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** A registered function by id; throws on a typo rather than benchmarking nothing. */
export function functionById(id: string): FunctionDeclaration {
  const fn = functions.find((candidate) => candidate.id === id);
  if (!fn) throw new Error(`no registered function '${id}'`);
  return fn;
}

/** Path of a function's bundle entry (`.build/functions/<id>/index.mjs`). */
export function bundleFile(fn: Pick<FunctionDeclaration, 'id'>): string {
  return path.join(bundleDir(fn), 'index.mjs');
}

/**
 * Imports a function's esbuild bundle the way a warm Lambda container holds it and returns
 * a caller that passes a Lambda-shaped context (as `infra/local/lambda-invoker.ts` does).
 * `instance` goes into the import URL so each benchmark gets its own module instance: a
 * bundle caches its DynamoDB client per container, and an earlier benchmark's emulator may
 * be gone.
 */
export async function loadBundleHandler(fn: FunctionDeclaration, instance: string): Promise<BundleHandler> {
  const url = `${pathToFileURL(bundleFile(fn)).href}?instance=${encodeURIComponent(instance)}`;
  // Powertools reads its service name at init; in Lambda that is the function's own.
  const previous = process.env.POWERTOOLS_SERVICE_NAME;
  process.env.POWERTOOLS_SERVICE_NAME = fn.id;
  const module = (await import(url).finally(() => {
    if (previous === undefined) delete process.env.POWERTOOLS_SERVICE_NAME;
    else process.env.POWERTOOLS_SERVICE_NAME = previous;
  })) as { handler?: (event: unknown, context: Context) => Promise<unknown> };
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${fn.id}: bundle exports no handler`);
  return async (event) => (await handler(event, lambdaContext(fn, Date.now() + LAMBDA_TIMEOUT_MS, 'bench'))) as APIGatewayProxyStructuredResultV2;
}

/** The functions' deployed timeout (the service-function construct's default). */
const LAMBDA_TIMEOUT_MS = 10_000;
