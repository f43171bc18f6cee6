import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmokeArgs, SmokeUsageError } from '../../infra/ops/smoke/smoke-args.js';
import { runSmoke, type SmokeResult } from '../../infra/ops/smoke/smoke-checks.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { tokenFor } from './support/tokens.js';

/** The origin the local tables' environment admits (test/support/local-tables.ts). */
const ORIGIN = 'http://localhost:3000';
const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('infra/ops/smoke.ts');

let api: LocalApi;
/** Answers 200 `{"status":"ok"}` to everything: a stand-in for a stage with nothing in front of it. */
let naive: Server;
let naiveUrl: string;

beforeAll(async () => {
  api = await startLocalApi();
  naive = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","items":[]}'));
  naive.listen(0, '127.0.0.1');
  await once(naive, 'listening');
  naiveUrl = `http://127.0.0.1:${(naive.address() as AddressInfo).port}`;
});
afterAll(async () => {
  naive?.close();
  await api?.close();
});

const byStatus = (results: SmokeResult[]) => Object.fromEntries(results.map((result) => [result.name, result.status]));
const failures = (results: SmokeResult[]) => results.filter((result) => result.status === 'fail').map((result) => `${result.name}: ${result.detail}`);

async function studentsLeft(): Promise<string[]> {
  const table = process.env.STUDENTS_TABLE_NAME;
  const scan = await api.tables.client.send(new ScanCommand({ TableName: table, ProjectionExpression: 'student_id' }));
  return (scan.Items ?? []).map((item) => item.student_id?.S ?? '').filter((id) => id.startsWith('SMOKE-'));
}

describe('npm run smoke against the local gateway', () => {
  it('passes every check with an admin token and an admitted origin, and leaves no student behind', async () => {
    const results = await runSmoke({ url: api.url, token: await tokenFor('admin'), origin: ORIGIN });
    expect(failures(results)).toEqual([]);
    expect(results.map((result) => result.status)).toEqual(results.map(() => 'pass'));
    expect(results).toHaveLength(9);
    expect(await studentsLeft()).toEqual([]);
  });

  it('skips the CRUD for a staff token, which could create but not clean up, and creates nothing', async () => {
    const results = await runSmoke({ url: api.url, token: await tokenFor('staff'), origin: ORIGIN });
    expect(failures(results)).toEqual([]);
    expect(results.find((result) => result.name.startsWith('create'))).toMatchObject({ status: 'skip', detail: expect.stringContaining('may not delete') });
    expect(await studentsLeft()).toEqual([]);
  });

  it('skips what a viewer may not do and what needs a token, and says why', async () => {
    const viewer = await runSmoke({ url: api.url, token: await tokenFor('viewer') });
    expect(failures(viewer)).toEqual([]);
    expect(byStatus(viewer)).toMatchObject({
      'authorized read': 'pass',
      'create, read and delete a throw-away student': 'skip',
      'CORS preflight of an admitted origin': 'skip',
    });
    const anonymous = await runSmoke({ url: api.url });
    expect(failures(anonymous)).toEqual([]);
    expect(anonymous.filter((result) => result.status === 'skip').map((result) => result.detail)).toEqual([
      'no --token',
      'no --token',
      'no --origin',
      'no --token',
    ]);
  });

  it('fails the preflight check for an origin the stage does not admit', async () => {
    const results = await runSmoke({ url: api.url, token: await tokenFor('viewer'), origin: 'https://not-admitted.example', readOnly: true });
    expect(failures(results)).toEqual([expect.stringMatching(/^CORS preflight of an admitted origin: Access-Control-Allow-Origin: missing/)]);
  });

  it('fails every behavioural check against a server that just answers 200', async () => {
    const results = await runSmoke({ url: naiveUrl, token: 'not-a-jwt', origin: ORIGIN });
    expect(byStatus(results)).toEqual({
      'health answers 200 ok': 'pass',
      'security headers on every answer': 'fail',
      'anonymous call refused with 401 problem+json': 'fail',
      'unknown route → 404 problem+json': 'fail',
      'authorized read': 'pass',
      'bad input → 422 problem+json': 'fail',
      'CORS preflight of an admitted origin': 'fail',
      'CORS preflight of a foreign origin not admitted': 'pass',
      'create, read and delete a throw-away student': 'fail',
    });
  });

  it('runs as a CLI: exit 0 with one line per check, 1 when a check fails, 2 without --url', async () => {
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(TSX, [CLI, ...args], { env: { ...process.env, ...env, TOKEN: env.TOKEN ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const [code] = await once(child, 'exit');
      return { code, output };
    };
    const ok = await run(['--url', `${api.url}/`, '--origin', ORIGIN], { TOKEN: await tokenFor('admin') });
    expect(ok.output).toContain('9 passed, 0 failed, 0 skipped');
    expect(ok.code).toBe(0);
    const failed = await run(['--api', naiveUrl, '--read-only']);
    expect(failed.output).toMatch(/^FAIL security headers on every answer/m);
    expect(failed.code).toBe(1);
    const usage = await run([]);
    expect(usage.output).toContain('--url is required');
    expect(usage.code).toBe(2);
  }, 60_000);
});

describe('smoke arguments', () => {
  it('takes --url or --api, the token from TOKEN unless --token, and refuses what is not an http(s) URL', () => {
    expect(parseSmokeArgs(['--url', 'https://abc.execute-api.eu-west-1.amazonaws.com/'], { TOKEN: 't' })).toEqual({
      url: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      token: 't',
      readOnly: false,
      timeoutMs: 10_000,
    });
    expect(parseSmokeArgs(['--api', 'http://127.0.0.1:3000', '--token', 'x', '--read-only', '--origin', ORIGIN], { TOKEN: 't' })).toMatchObject({
      token: 'x',
      readOnly: true,
      origin: ORIGIN,
    });
    expect(() => parseSmokeArgs(['--url', 'ftp://x'], {})).toThrow(SmokeUsageError);
    expect(() => parseSmokeArgs(['--url', 'nope'], {})).toThrow(/not a URL/);
    expect(() => parseSmokeArgs(['--url', 'http://x', '--timeout-ms', '0'], {})).toThrow(/timeout-ms/);
  });
});
