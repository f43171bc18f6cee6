import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// As in a Lambda container with active tracing: the tracer reads the environment when it loads, before the imports below.
await vi.hoisted(() => import('../support/lambda-tracing-env.js'));

import { handler } from '../../functions/imports/on-object-created.js';
import { waitFor } from '../support/event-source-test-function.js';
import { lambdaContext } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';
import { withTestSegment } from '../support/xray-test-segment.js';

let tables: LocalTables;
let s3: TestS3;
beforeAll(async () => {
  tables = await createLocalTables();
  s3 = await startTestS3();
  Object.assign(process.env, s3.current.env);
});
afterAll(async () => {
  await s3?.stop();
  await tables?.drop();
});

describe('the import handler traced (real X-Ray segment, local S3 + DynamoDB Local)', () => {
  it('runs each S3 record in an `### import` subsegment annotated with its import id, S3 and DynamoDB calls inside', async () => {
    const csv = 'student_id,first_name,last_name,math_score,literature_score,english_score\nTR001,An,Nguyen,8,7,9\nTR002,Binh,Tran,6,7,8\n';
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'imports/students/traced.csv', Body: csv }));
    await waitFor(() => s3.events.length > 0, 10_000, 'the S3 notification');
    let result: unknown;
    const segments = await withTestSegment(async () => {
      result = await handler(s3.events[0]!, lambdaContext('imports-on-object-created', 60_000));
    });
    expect(result).toEqual({ outcomes: ['ran'] });
    expect(segments).toHaveLength(1);
    const [segment] = segments;
    expect(segment!.name).toBe('### import');
    expect(segment!.annotations).toEqual({ entity: 'imports', operation: 'object-created', import_id: expect.stringMatching(/^imp_/) });
    expect(segment!.fault).toBe(false);
    const calls = new Set(segment!.subsegments.map((s) => s.name));
    expect(calls).toContain('S3');
    expect(calls).toContain('DynamoDB');
    // The file's names never become annotations.
    expect(JSON.stringify(segment!.annotations)).not.toMatch(/Nguyen|Tran|TR00/);
  });
});
