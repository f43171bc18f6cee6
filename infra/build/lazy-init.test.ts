import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, lambdas } from '../../shared/registry.js';
import { bundleDir, bundleFunctions, CHUNK_DIR } from './bundle-functions.js';

const run = promisify(execFile);
const fn = functions.find((candidate) => candidate.id === 'students-get')!;

/** What a fresh process loaded by the end of the bundle's module init. */
async function initIn(env: Record<string, string>): Promise<{ xray: boolean; undici: boolean }> {
  const url = pathToFileURL(path.join(bundleDir(fn), 'index.mjs')).href;
  const source = `
    import { createRequire } from 'node:module';
    const bundle = await import(${JSON.stringify(url)});
    if (typeof bundle.handler !== 'function') throw new Error('no handler');
    const cache = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify({
      xray: cache.some((file) => file.includes('aws-xray-sdk-core')),
      undici: process.moduleLoadList.some((name) => name.includes('undici')),
    }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], {
    env: { PATH: process.env.PATH ?? '', POWERTOOLS_SERVICE_NAME: fn.id, ...env },
  });
  return JSON.parse(stdout) as { xray: boolean; undici: boolean };
}

describe('function bundles load at init only what they use', () => {
  beforeAll(() => {
    bundleFunctions([fn]);
  }, 60_000);

  it('keeps the Powertools Tracer and the X-Ray SDK in a chunk of their own', () => {
    const index = readFileSync(path.join(bundleDir(fn), 'index.mjs'), 'utf8');
    expect(index).not.toContain('aws-xray-sdk-core');
    const chunks = readdirSync(path.join(bundleDir(fn), CHUNK_DIR)).filter((name) => name.endsWith('.mjs'));
    expect(chunks.some((name) => readFileSync(path.join(bundleDir(fn), CHUNK_DIR, name), 'utf8').includes('"aws-xray-sdk-core"'))).toBe(true);
  });

  it('imports no ES module facade of node:http (it would load undici)', () => {
    const files = [
      path.join(bundleDir(fn), 'index.mjs'),
      ...readdirSync(path.join(bundleDir(fn), CHUNK_DIR))
        .filter((name) => name.endsWith('.mjs'))
        .map((name) => path.join(bundleDir(fn), CHUNK_DIR, name)),
    ];
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toMatch(/from\s*"(node:)?http"/);
  });

  it('does not load the X-Ray SDK or undici when tracing is off (locally, POWERTOOLS_TRACE_ENABLED=false)', async () => {
    expect(await initIn({})).toEqual({ xray: false, undici: false });
    expect(await initIn({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' })).toEqual({ xray: false, undici: false });
  }, 30_000);

  it('loads the X-Ray SDK at init where Powertools traces (in Lambda), still without undici', async () => {
    const env = {
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      _HANDLER: 'index.handler',
    };
    expect(await initIn(env)).toEqual({ xray: true, undici: false });
  }, 30_000);
});

/** The AWS SDK packages a fresh process loaded by the end of `id`'s module init (no tracing). */
async function sdkPackagesAtInit(id: string): Promise<string[]> {
  const url = pathToFileURL(path.join(bundleDir({ id }), 'index.mjs')).href;
  const source = `
    import { createRequire } from 'node:module';
    const bundle = await import(${JSON.stringify(url)});
    if (typeof bundle.handler !== 'function') throw new Error('no handler');
    const names = Object.keys(createRequire(import.meta.url).cache).map((file) => /@aws-sdk[\\/]([^\\/]+)/.exec(file)?.[1]);
    process.stdout.write(JSON.stringify([...new Set(names.filter(Boolean))].sort()));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], {
    env: { PATH: process.env.PATH ?? '', POWERTOOLS_SERVICE_NAME: id, AUTH_JWKS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwks' },
  });
  return JSON.parse(stdout) as string[];
}

/** The functions that reach S3 (or the authorizer, Secrets Manager) on some requests only. */
const LAZY_SDK_USERS = [
  'imports-create',
  'imports-get',
  'imports-list',
  'students-bulk-import',
  'students-export',
  'tables-export',
  'tables-import',
  'auth-authorizer',
];
const LAZY_PACKAGES = ['client-s3', 'lib-storage', 's3-request-presigner', 'client-secrets-manager', 'client-sqs'];

describe('the S3 and Secrets Manager SDKs load with their first use, not at init', () => {
  beforeAll(() => {
    bundleFunctions(lambdas.filter((lambda) => [...LAZY_SDK_USERS, 'products-stock'].includes(lambda.id)));
  }, 120_000);

  it.each(LAZY_SDK_USERS)(
    '%s loads none of them at init',
    async (id) => {
      const loaded = await sdkPackagesAtInit(id);
      expect(loaded.length).toBeGreaterThan(0); // the DynamoDB SDK, so the probe sees packages at all
      expect(loaded.filter((name) => LAZY_PACKAGES.includes(name))).toEqual([]);
    },
    30_000,
  );

  it('products-stock imports util-dynamodb (CommonJS, already loaded by lib-dynamodb) only with its first refusal', () => {
    const index = readFileSync(path.join(bundleDir({ id: 'products-stock' }), 'index.mjs'), 'utf8');
    expect(index).toContain('import("@aws-sdk/util-dynamodb")');
    expect(index).not.toMatch(/from\s*"@aws-sdk\/util-dynamodb"/);
  });
});
