import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import { authorizer, functions, importFunction } from '../../shared/registry.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { tokenFor } from './support/tokens.js';

let api: LocalApi;
let imports: LocalImportsBucket;
let dir: string;
let staffToken: string;
const deliveries: Promise<void>[] = [];
const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('infra/ops/import-cli.ts');

beforeAll(async () => {
  bundleFunctions([authorizer, importFunction, ...functions.filter((fn) => fn.id.startsWith('imports-') || fn.id === 'students-list')]);
  dir = mkdtempSync(path.join(tmpdir(), 'import-cli-'));
  imports = await startLocalImportsBucket({ dataDir: dir, port: 0, deliver: (event) => void deliveries.push(invokeImportHandler(event, () => undefined)) });
  Object.assign(process.env, imports.env);
  api = await startLocalApi({ role: 'staff' });
  staffToken = await tokenFor('staff');
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(deliveries);
  await api?.close();
  await imports?.s3.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process (async: the import job runs in this process meanwhile). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, '--api', api.url, '--poll-ms', '50', '--max-poll-ms', '300', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function csv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('npm run import', () => {
  it('uploads, shows progress, prints the summary and report link, exits 0; the rows are in the table', async () => {
    const lines = ['student_id,first_name,last_name,hometown'];
    for (let i = 0; i < 30; i++) lines.push(`CLI${i},Trần,Thị ${i},Huế`);
    const run = await runCli([csv('roster.csv', lines)], { TOKEN: staffToken });
    expect(run.stderr).toMatch(/^import imp_\S+: roster\.csv \(\d+ bytes\) → students, mode create$/m);
    expect(run.stderr).toMatch(/^upload\s+\[#+\]\s+100%/m);
    expect(run.stderr).toMatch(/^(queued|running)\s+\[[#-]+\]\s+\d+%\s+\S+ B\/861 B\s+[\d,]+ rows\s.*ETA/m);
    expect(run.stderr).toMatch(/^completed\s+\[#+\]\s+100%.* 30 rows /m);
    if (process.env.SHOW_CLI_OUTPUT) console.log(run.stderr + run.stdout);
    expect(run.stdout).toMatch(/^import imp_\S+ completed: 30 rows/m);
    expect(run.stdout).toContain('created 30, updated 0, skipped 0, errors 0, warnings 0');
    expect(run.stdout).toMatch(/^report: http/m);
    expect(run.code).toBe(0);
    expect(run.stderr + run.stdout).not.toContain(staffToken);
    const list = await api.request('GET', '/api/v1/students?hometown=Hu%E1%BA%BF', { as: 'viewer' });
    expect(list.body.total).toBe(30);
  });

  it('exits 2 on completed_with_errors and lists the row errors; upsert updates', async () => {
    const again = csv('again.csv', ['student_id,first_name,last_name,hometown', 'CLI0,Trần,Thị 0,Huế', 'CLI100,Ngô,Bảo,Huế']);
    const run = await runCli([again, '--token', staffToken]);
    expect(run.stdout).toMatch(/completed_with_errors: 2 rows/);
    expect(run.stdout).toContain('created 1, updated 0, skipped 0, errors 1');
    expect(run.stdout).toMatch(/^ {2}row 2 student_id: .*'CLI0' already exists$/m);
    expect(run.code).toBe(2);
    const upsert = await runCli([again, '--token', staffToken, '--mode', 'upsert']);
    expect(upsert.stdout).toContain('created 0, updated 2');
    expect(upsert.code).toBe(0);
  });

  it('a file the job cannot read ends failed: its message, exit 1', async () => {
    const run = await runCli([csv('wrong.csv', ['colour,size', 'red,3']), '--token', staffToken]);
    expect(run.stdout).toMatch(/^import imp_\S+ failed: \S.*/m);
    expect(run.code).toBe(1);
  });

  it('clear errors, exit 1: missing file, unknown entity, no token, viewer token, bad mode', async () => {
    const file = csv('small.csv', ['student_id,first_name,last_name', 'X1,A,B']);
    const missing = await runCli([path.join(dir, 'nope.csv'), '--token', staffToken]);
    expect(missing.stderr).toContain('file not found');
    expect(missing.code).toBe(1);
    const entity = await runCli([file, '--entity', 'teachers', '--token', staffToken]);
    expect(entity.stderr).toMatch(/POST \/api\/v1\/imports → 4\d\d: .*teachers/);
    expect(entity.code).toBe(1);
    const anonymous = await runCli([file]);
    expect(anonymous.stderr).toMatch(/→ 401: not authenticated/);
    expect(anonymous.code).toBe(1);
    const viewer = await runCli([file, '--token', await tokenFor('viewer')]);
    expect(viewer.stderr).toMatch(/→ 403: forbidden/);
    expect(viewer.code).toBe(1);
    const mode = await runCli([file, '--mode', 'merge']);
    expect(mode.stderr).toMatch(/--mode must be create or upsert[\s\S]*usage: npm run import/);
    expect(mode.code).toBe(1);
  });

  it('an API that cannot be reached is reported, exit 1', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await runCli([csv('x.csv', ['student_id,first_name,last_name', 'X2,A,B']), '--token', staffToken, '--api', `http://127.0.0.1:${port}`]);
    expect(down.stderr).toContain(`error: cannot reach the API at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(down.code).toBe(1);
  });
});
