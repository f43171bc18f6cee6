import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { lambdas, tableDesigns } from '../../shared/registry.js';
import { lenient } from './records-app-support.js';

/** Read by the runtime, not by the bundle. */
const READ_BY_RUNTIME: Record<string, string> = { NODE_OPTIONS: 'Node.js (--enable-source-maps)' };

/**
 * Variables the bundle reads through a name it computes rather than spells: an entity table's
 * `<ENTITY>_TABLE_NAME` (`tableDesign(entity).envVar`) and a queue's `<QUEUE>_QUEUE_URL`.
 * The bundle must hold the template that computes them.
 */
const COMPUTED: readonly { readonly names: (name: string) => boolean; readonly template: string }[] = [
  { names: (name) => tableDesigns.some((design) => design.envVar === name), template: '_TABLE_NAME`' },
  { names: (name) => name.endsWith('_QUEUE_URL'), template: '_QUEUE_URL`' },
];

/**
 * Known leftovers, `<function> <variable>`, with why each is still set: a ratchet. Fixing one
 * fails this test until its line goes; a new unread variable fails it at once.
 */
const KNOWN_UNREAD: readonly string[] = [
  // The stack gives every function it places in the VPC the Redis settings (records-stack.ts `runtime`);
  // the authorizer is in the VPC for the JWKS endpoint and never opens Redis.
  ...['REDIS_URL', 'REDIS_CLUSTER', 'CACHE_KEY_PREFIX', 'RATE_LIMIT_KEY_PREFIX'].map((name) => `auth-authorizer ${name}`),
  // These open Redis for the cache only (imports invalidate what they write), never rate-limit.
  ...['imports-on-object-created', 'import-worker', 'inventory-reserve', 'inventory-release'].map((id) => `${id} RATE_LIMIT_KEY_PREFIX`),
  // ServiceFunction's defaults for every function; the outbox publisher neither serves HTTP nor emits EMF metrics.
  'outbox-publisher ALLOWED_HOSTS',
  'outbox-publisher POWERTOOLS_METRICS_NAMESPACE',
];

let stack: RecordsStack;
beforeAll(() => {
  // Unlike the other infra tests this one reads the bundles' content: `npm run build` first.
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  ({ stack } = createRecordsApp({ context: { ...lenient, stage: 'prod' } }));
});

const serviceFunctions = () =>
  [stack.authorizer.function, stack.jwksCopy.copier, ...stack.functions, stack.importFunction, stack.outboxPublisher, ...stack.consumers] as {
    declaration: LambdaDeclaration;
    function: LambdaFunction;
  }[];

/** The environment of a function, from the template of the (nested) stack it lives in. */
const templates = new Map<Stack, Template>();
function variablesOf(fn: LambdaFunction): Record<string, unknown> {
  const home = Stack.of(fn);
  const logicalId = home.getLogicalId(fn.node.defaultChild as CfnElement);
  if (!templates.has(home)) templates.set(home, Template.fromStack(home));
  return templates.get(home)!.findResources('AWS::Lambda::Function')[logicalId]?.Properties.Environment.Variables ?? {};
}

/** The function's esbuild bundle: index.mjs and the chunks it loads on demand (dynamic imports). */
function bundleOf(declaration: LambdaDeclaration): string {
  const dir = bundleDir(declaration);
  const chunks = existsSync(path.join(dir, 'chunks')) ? readdirSync(path.join(dir, 'chunks')).filter((name) => name.endsWith('.mjs')) : [];
  return [path.join(dir, 'index.mjs'), ...chunks.map((name) => path.join(dir, 'chunks', name))].map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** Whether the function's esbuild bundle reads the variable. */
function reads(bundle: string, name: string): boolean {
  if (name in READ_BY_RUNTIME || bundle.includes(name)) return true;
  return COMPUTED.some((rule) => rule.names(name) && bundle.includes(rule.template));
}

describe('function environments', () => {
  it('set no variable that the function’s code does not read (beyond the listed leftovers)', () => {
    const unread = serviceFunctions().flatMap(({ declaration, function: fn }) => {
      const bundle = bundleOf(declaration);
      return Object.keys(variablesOf(fn))
        .filter((name) => !reads(bundle, name))
        .map((name) => `${declaration.id} ${name}`);
    });
    expect(unread.sort()).toEqual([...KNOWN_UNREAD].sort());
  });

  it('carry no AUTH_REDIS_PREFIX: revocations live in the revocations table, and no bundle reads it', () => {
    for (const { declaration, function: fn } of serviceFunctions()) {
      expect(variablesOf(fn), declaration.id).not.toHaveProperty('AUTH_REDIS_PREFIX');
      expect(readFileSync(path.join(bundleDir(declaration), 'index.mjs'), 'utf8'), declaration.id).not.toContain('AUTH_REDIS_PREFIX');
    }
  });
});
