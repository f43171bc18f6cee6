import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';

const run = promisify(execFile);
const awsVersion = await run('aws', ['--version']).then(
  (out) => (out.stdout || out.stderr).trim(),
  () => undefined,
);

/** `describe` for tests that need the AWS CLI: skipped with a message without one, failing in CI. */
function describeWithAwsCli(name: string, body: () => void): void {
  if (awsVersion) {
    describe(`${name} (${awsVersion})`, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs the AWS CLI', () => {
        throw new Error('no `aws` binary on PATH in CI: .ci/run installs the Debian awscli package when it is missing');
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": no \`aws\` binary on PATH (apt-get install awscli, or pip install awscli).`);
  describe.skip(name, body);
}

describeWithAwsCli('local S3 endpoint with the AWS CLI', () => {
  let s3: TestS3;
  let dir: string;
  let aws: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    s3 = await startTestS3();
    dir = mkdtempSync(path.join(tmpdir(), 'local-s3-cli-'));
    // Only the local credentials and none of the developer's profiles or endpoints.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      AWS_REGION: LOCAL_AWS_ENV.AWS_REGION,
      AWS_DEFAULT_REGION: LOCAL_AWS_ENV.AWS_REGION,
      AWS_CONFIG_FILE: path.join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
      AWS_PAGER: '',
    };
    aws = async (...args) =>
      (
        await run('aws', ['--endpoint-url', s3.current.s3.endpoint, ...args, ...(args[1] === 'cp' ? ['--no-progress'] : [])], {
          env,
          maxBuffer: 16 * 1024 * 1024,
        })
      ).stdout;
  });
  afterAll(async () => {
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a roster with `s3 cp`, which reaches the import trigger', async () => {
    const file = path.join(dir, 'roster.csv');
    writeFileSync(file, 'student_id,full_name\nS001,Trần Văn Ơn\n');
    await aws('s3', 'cp', file, `s3://${s3.bucket}/imports/students/roster.csv`);
    await s3.current.s3.idle();
    expect(s3.events.map((event) => [event.Records[0]!.eventName, event.Records[0]!.s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'imports/students/roster.csv'],
    ]);
  }, 120_000);

  it('uploads a file over 8 MB in parts and downloads the same bytes', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 123);
    const file = path.join(dir, 'big roster.csv');
    writeFileSync(file, data);
    await aws('s3', 'cp', file, `s3://${s3.bucket}/imports/students/big roster.csv`);
    await s3.current.s3.idle();
    const record = s3.events.at(-1)!.Records[0]!;
    expect([record.eventName, record.s3.object.key, record.s3.object.size]).toEqual([
      'ObjectCreated:CompleteMultipartUpload',
      'imports/students/big+roster.csv',
      data.length,
    ]);
    const back = path.join(dir, 'back.csv');
    await aws('s3', 'cp', `s3://${s3.bucket}/imports/students/big roster.csv`, back);
    expect(readFileSync(back).equals(data)).toBe(true);
  }, 120_000);

  it('lists with `s3 ls` (folders, sizes, names with spaces) and removes with `s3 rm`', async () => {
    const listing = await aws('s3', 'ls', `s3://${s3.bucket}/imports/students/`);
    expect(listing).toMatch(/\s9437307 big roster\.csv\n/);
    expect(listing).toMatch(/\s\d+ roster\.csv\n/);
    expect(await aws('s3', 'ls', `s3://${s3.bucket}/`)).toContain('PRE imports/');
    expect(await aws('s3', 'ls')).toContain(s3.bucket);
    await aws('s3', 'rm', '--recursive', `s3://${s3.bucket}/imports/`);
    expect(await aws('s3', 'ls', '--recursive', `s3://${s3.bucket}/`).catch(() => '')).toBe('');
  }, 120_000);
});
