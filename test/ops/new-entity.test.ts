import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/build/bundle-functions.js';

/**
 * `npm run new:entity` end to end, in a temporary copy of the repository (tracked and
 * untracked-but-not-ignored files, node_modules symlinked, this checkout's bundles copied):
 * generate a throwaway entity (every option, `--with-events` included), then — concurrently —
 * bundle its functions and run its generated unit, e2e and outbox tests plus the auth matrix of
 * its routes through the local gateway, and synthesize the CDK app in-process to find its
 * table, routes, functions and grants.
 */
const ENTITY = 'trial_courses';
const FIELDS = 'id:string:key,title:string,credits:int?,level:string?,starts_on:date';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const VITEST = path.join(ROOT, 'node_modules', '.bin', 'vitest');
/** The per-stack budget test/infra/records-app.test.ts holds every stack to (of CloudFormation's 500 / 200 / 200). */
const STACK_BUDGET = { resources: 400, parameters: 160, outputs: 160 };
/** Unit tests over the whole registry that a new entity must keep green: OpenAPI's pinned schemas, the metric catalogue and its doc table, the route table. */
const REGISTRY_WIDE_TESTS = [
  'shared/openapi/openapi-document.test.ts',
  // The event catalog with the entity's change events: envelopes, the JSON Schema drift test, the bus's schema registry, the rules.
  'events/events.test.ts',
  'infra/constructs/event-bus.test.ts',
  'infra/local/eventbridge/event-rules.test.ts',
  'shared/observability/metric-catalogue.test.ts',
  'shared/observability/catalogue-table.test.ts',
  'shared/http/route-table.test.ts',
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let copy: string;
/** The nested vitest's JSON report (inside the copy). */
let resultsFile: string;
let generated: Run;
let checks: Promise<Run>;
let synth: Promise<Run>;
let registryWide: Promise<Run>;
const children: ChildProcess[] = [];

/** The parent run's vitest variables would make the nested vitest think it is a worker. */
function childEnv(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !/^(VITEST|__VITEST)/.test(key) && key !== 'NODE_ENV');
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', FORCE_COLOR: '0' };
}

/** Runs a package's JS bin (tsx, vitest) with this process's Node (the project's Node 22, whatever `node` PATH finds). */
function run(bin: string, args: string[], cwd: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The copy: what `git ls-files` lists (plus files not yet committed, so the test runs on a working tree too). */
function copyRepository(): string {
  const target = mkdtempSync(path.join(tmpdir(), 'new-entity-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(target, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(target, 'node_modules'));
  // Bundles of the other functions as this checkout built them; the entity's and the OpenAPI
  // document's (which lists every route) are rebuilt in the copy, missing ones are built too.
  // The layers and the console (CDK assets of the synthesis) as this checkout built them: a new
  // entity changes neither.
  for (const built of ['functions', 'layers', 'web']) {
    const from = path.join(ROOT, '.build', built);
    if (existsSync(from)) cpSync(from, path.join(target, '.build', built), { recursive: true });
  }
  return target;
}

beforeAll(async () => {
  copy = copyRepository();
  resultsFile = path.join(copy, '.build', 'new-entity-results.json');
  generated = await run(
    TSX,
    ['infra/ops/new-entity.ts', ENTITY, '--fields', FIELDS, '--filter', 'level', '--sort', 'credits', '--sort', 'title', '--with-cache', '--with-events'],
    copy,
  );
  if (generated.code !== 0) return;
  // Both the gateway and CDK's assets need the entity's bundles: they start once those exist.
  const bundled = run(TSX, ['test/ops/support/bundle-lambdas.ts', 'system-openapi'], copy);
  const afterBundling = (next: () => Promise<Run>) => bundled.then((result) => (result.code !== 0 ? result : next()));
  checks = afterBundling(() =>
    run(
      VITEST,
      [
        'run',
        `shared/${ENTITY}`,
        `test/e2e/${ENTITY.replaceAll('_', '-')}-api.test.ts`,
        `test/integration/${ENTITY.replaceAll('_', '-')}-events.test.ts`,
        'test/e2e/auth-matrix.test.ts',
        '-t',
        ENTITY,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${resultsFile}`,
      ],
      copy,
    ),
  );
  synth = afterBundling(() => run(TSX, ['test/ops/support/synth-entity.ts', ENTITY], copy));
  // Repository-wide unit tests that enumerate the registry or pin what it produces: after the
  // nested run, so their CDK syntheses do not starve its DynamoDB Local's start on 2 cores.
  registryWide = checks.catch(() => undefined).then(() => run(VITEST, ['run', ...REGISTRY_WIDE_TESTS], copy));
  // None is awaited here: each test below waits for the result it judges.
  checks.catch(() => undefined);
  synth.catch(() => undefined);
  registryWide.catch(() => undefined);
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.allSettled([checks, synth, registryWide]);
  if (copy) rmSync(copy, { recursive: true, force: true });
});

const output = (result: Run) => `${result.stdout}\n${result.stderr}`.slice(-6_000);

describe(`npm run new:entity ${ENTITY} in a temporary copy of the repository`, () => {
  it('writes the declaration, its Lambda entries and tests, and registers it', () => {
    expect(generated.code, output(generated)).toBe(0);
    for (const file of [
      `shared/${ENTITY}/${ENTITY}.entity.ts`,
      `shared/${ENTITY}/${ENTITY}.entity.test.ts`,
      `functions/${ENTITY}/bulk.ts`,
      'test/e2e/trial-courses-api.test.ts',
      'events/trial_courses.ts',
      'test/integration/trial-courses-events.test.ts',
      ...['created', 'updated', 'deleted'].map((kind) => `events/schemas/trial_course.${kind}.json`),
    ]) {
      expect(existsSync(path.join(copy, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(copy, 'events/catalog.ts'), 'utf8')).toContain("trial_course: 'records.trial_courses',");
    const schema = JSON.parse(readFileSync(path.join(copy, 'events/schemas/trial_course.created.json'), 'utf8'));
    expect(schema['x-eventbridge']).toEqual({ source: 'records.trial_courses', 'detail-type': 'trial_course.created' });
    expect(readFileSync(path.join(copy, 'shared/registry.ts'), 'utf8')).toContain("import { trialCourses } from './trial_courses/trial_courses.entity.js';");
    expect(readFileSync(path.join(copy, 'docs/observability.md'), 'utf8')).toContain('`TrialCoursesCreated`');
  });

  it.each([
    [[ENTITY, '--fields', 'id:string:key,title:string'], `entity '${ENTITY}' already exists`],
    [['gadgets', '--fields', 'id:string:key,title:text'], "unknown type 'text' for field 'title'"],
  ])('refuses %j with exit 1 and writes nothing', async (argv, message) => {
    const registry = readFileSync(path.join(copy, 'shared/registry.ts'), 'utf8');
    const again = await run(TSX, ['infra/ops/new-entity.ts', ...argv], copy);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(message);
    expect(readFileSync(path.join(copy, 'shared/registry.ts'), 'utf8')).toBe(registry);
    expect(existsSync(path.join(copy, 'shared/gadgets'))).toBe(false);
  });

  it('passes its generated unit and e2e tests, and the auth matrix of its routes, behind the local gateway', async () => {
    const result = await checks;
    expect(result.code, output(result)).toBe(0);
    const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const passed = (file: string) =>
      report.testResults
        .filter((result: { name: string }) => result.name.endsWith(file))
        .flatMap((result: { assertionResults: { status: string; fullName: string }[] }) => result.assertionResults)
        .filter((test: { status: string }) => test.status === 'passed')
        .map((test: { fullName: string }) => test.fullName);
    expect(report.numFailedTests).toBe(0);
    expect(passed(`${ENTITY}.entity.test.ts`).length).toBeGreaterThan(5);
    expect(passed('trial-courses-api.test.ts')).toContain(`${ENTITY} API creates, reads, lists, patches with If-Match and deletes a trial_course`);
    // --with-events: the outbox rows of its writes, on the copy's DynamoDB Local.
    expect(passed('trial-courses-events.test.ts')).toEqual([
      `${ENTITY} change events through the outbox a create leaves exactly one trial_course.created: the envelope of the request, the item as stored`,
      `${ENTITY} change events through the outbox a create that fails its condition (the id exists) writes no event`,
      `${ENTITY} change events through the outbox an update and a delete add one event each; a write over a stale version adds none`,
    ]);
    // 11 route keys (HEAD for each GET) × 11 ways of presenting credentials.
    const matrix = passed('auth-matrix.test.ts');
    expect(matrix).toHaveLength(121);
    expect(matrix).toContain(`DELETE /api/v1/${ENTITY}/{id} (permission: admin) answers 403 to a valid token whose role is below admin`);
  }, 180_000);

  it('keeps the registry-wide unit tests green (OpenAPI schemas, metric catalogue and its doc table, route table, event catalog and schemas)', async () => {
    const result = await registryWide;
    expect(result.code, output(result)).toBe(0);
  }, 180_000);

  it('synthesizes with its table, route keys, functions and least-privilege grants, every stack within the budget of records-app.test.ts', async () => {
    const result = await synth;
    expect(result.code, output(result)).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    for (const stack of report.stacks) {
      for (const quota of ['resources', 'parameters', 'outputs'] as const)
        expect(stack[quota], `${stack.path} ${quota}`).toBeLessThanOrEqual(STACK_BUDGET[quota]);
    }
    expect(report.table).toEqual({ type: 'AWS::DynamoDB::GlobalTable' });
    const collection = `/api/v1/${ENTITY}`;
    expect([...report.routeKeys].sort()).toEqual(
      [
        `POST ${collection}`,
        `GET ${collection}`,
        `HEAD ${collection}`,
        `POST ${collection}/query`,
        `POST ${collection}/bulk-update`,
        `POST ${collection}/bulk-delete`,
        ...['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'].map((method) => `${method} ${collection}/{id}`),
      ].sort(),
    );
    expect(report.functions.map((fn: { id: string }) => fn.id).sort()).toEqual(
      ['bulk', 'create', 'delete', 'get', 'list', 'query', 'update'].map((op) => `${ENTITY}-${op}`),
    );
    // --with-events: the writers put outbox rows (PutItem on the outbox table only), the readers never see it.
    const writers = ['bulk', 'create', 'delete', 'update'].map((op) => `${ENTITY}-${op}`);
    for (const fn of report.functions) {
      expect(fn.environment, fn.id).toContain('TRIAL_COURSES_TABLE_NAME');
      expect(fn.dynamodb.filter((grant: { onTable: boolean }) => grant.onTable).length, fn.id).toBeGreaterThan(0);
      const writes = writers.includes(fn.id);
      for (const grant of fn.dynamodb) expect(grant.onTable || (writes && grant.onOutbox), `${fn.id}: ${grant.actions}`).toBe(true);
      const outbox = fn.dynamodb.filter((grant: { onOutbox: boolean }) => grant.onOutbox).flatMap((grant: { actions: string[] }) => grant.actions);
      expect(outbox, fn.id).toEqual(writes ? ['dynamodb:PutItem'] : []);
      expect(fn.environment.includes('OUTBOX_TABLE_NAME'), fn.id).toBe(writes);
    }
    const get = report.functions.find((fn: { id: string }) => fn.id === `${ENTITY}-get`);
    expect(get.dynamodb.flatMap((grant: { actions: string[] }) => grant.actions)).toEqual(['dynamodb:GetItem']);
  }, 180_000);
});
