import { randomBytes } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { importTrigger, importTriggerFilters } from '../../shared/import/import-trigger.js';
import { startTestS3, type TestS3 } from '../support/local-s3.js';

/** The S3 → Lambda event record, every field S3 sends (strict: no extra, none missing). */
const s3EventSchema = z.strictObject({
  Records: z
    .array(
      z.strictObject({
        eventVersion: z.literal('2.1'),
        eventSource: z.literal('aws:s3'),
        awsRegion: z.literal('us-east-1'),
        eventTime: z.iso.datetime(),
        eventName: z.enum(['ObjectCreated:Put', 'ObjectCreated:Post', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload']),
        userIdentity: z.strictObject({ principalId: z.string().min(1) }),
        requestParameters: z.strictObject({ sourceIPAddress: z.string().min(1) }),
        responseElements: z.strictObject({ 'x-amz-request-id': z.string().min(1), 'x-amz-id-2': z.string().min(1) }),
        s3: z.strictObject({
          s3SchemaVersion: z.literal('1.0'),
          configurationId: z.string().min(1),
          bucket: z.strictObject({ name: z.string(), ownerIdentity: z.strictObject({ principalId: z.string().min(1) }), arn: z.string() }),
          object: z.strictObject({
            key: z.string(),
            size: z.number().int(),
            eTag: z.string().regex(/^[0-9a-f]{32}(-\d+)?$/),
            sequencer: z.string().regex(/^[0-9A-F]+$/),
          }),
        }),
      }),
    )
    .length(1),
});

const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

describe('local S3 ObjectCreated notifications for the import trigger', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  beforeEach(() => {
    s3.events.length = 0;
  });
  afterAll(() => s3?.stop());

  const put = async (Key: string, Body: string | Buffer = 'student_id\nS1\n') => {
    const out = await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body }));
    await s3.current.s3.idle();
    return out;
  };

  it('delivers an S3 event record of the exact AWS shape, key URL-encoded like S3', async () => {
    const key = 'imports/students/Danh sách lớp 10A (2026).csv';
    const out = await put(key);
    expect(s3.events).toHaveLength(1);
    const event: S3Event = s3EventSchema.parse(s3.events[0]);
    const [record] = event.Records;
    expect(record!.eventName).toBe('ObjectCreated:Put');
    expect(record!.s3.bucket).toEqual({
      name: importTrigger.localBucketName,
      ownerIdentity: { principalId: 'local' },
      arn: `arn:aws:s3:::${importTrigger.localBucketName}`,
    });
    expect(record!.s3.object.key).toBe('imports/students/Danh+s%C3%A1ch+l%E1%BB%9Bp+10A+%282026%29.csv');
    expect(decodeKey(record!.s3.object.key)).toBe(key);
    expect(record!.s3.object.size).toBe(Buffer.byteLength('student_id\nS1\n'));
    expect(`"${record!.s3.object.eTag}"`).toBe(out.ETag);
    expect(record!.s3.configurationId).toBe(importTriggerFilters().find((filter) => filter.suffix === '.csv')!.id);
  });

  it('filters on the declared prefix and suffixes only', async () => {
    await put('imports/students/notes.txt');
    await put('exports/students/roster.csv');
    await put('imports/students/roster.CSV.bak');
    expect(s3.events).toEqual([]);
    await put('imports/students/roster.xlsx');
    expect(s3.events.map((event) => decodeKey(event.Records[0]!.s3.object.key))).toEqual(['imports/students/roster.xlsx']);
  });

  it('reports multipart uploads as ObjectCreated:CompleteMultipartUpload and copies as ObjectCreated:Copy', async () => {
    const data = randomBytes(6 * 1024 * 1024);
    await new Upload({
      client: s3.client,
      params: { Bucket: s3.bucket, Key: 'imports/students/big roster.xlsx', Body: data },
      partSize: 5 * 1024 * 1024,
    }).done();
    await s3.client.send(
      new CopyObjectCommand({ Bucket: s3.bucket, Key: 'imports/students/copy.xlsx', CopySource: `${s3.bucket}/imports/students/big%20roster.xlsx` }),
    );
    await s3.current.s3.idle();
    const records = s3.events.map((event) => s3EventSchema.parse(event).Records[0]!);
    expect(records.map((record) => [record.eventName, record.s3.object.key, record.s3.object.size])).toEqual([
      ['ObjectCreated:CompleteMultipartUpload', 'imports/students/big+roster.xlsx', data.length],
      ['ObjectCreated:Copy', 'imports/students/copy.xlsx', data.length],
    ]);
    expect(records[0]!.s3.object.eTag).toMatch(/-2$/);
  });

  it('delivers once the object is readable, with increasing sequencers', async () => {
    const readable: string[] = [];
    const remove = s3.current.s3.addNotification({
      id: 'reader',
      bucket: s3.bucket,
      prefix: 'imports/',
      deliver: async (event) => {
        const key = decodeKey(event.Records[0]!.s3.object.key);
        const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        readable.push(await object.Body!.transformToString());
      },
    });
    await put('imports/students/one.csv', 'first');
    remove();
    await put('imports/students/two.csv', 'second');
    expect(readable).toEqual(['first']);
    const [first, second] = s3.events.map((event) => event.Records[0]!.s3.object.sequencer);
    expect(second!.length).toBe(first!.length);
    expect(second! > first!).toBe(true);
  });

  it('keeps the upload when a consumer fails', async () => {
    const remove = s3.current.s3.addNotification({
      id: 'failing',
      bucket: s3.bucket,
      deliver: () => {
        throw new Error('consumer down');
      },
    });
    const out = await put('imports/students/still-stored.csv');
    remove();
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(s3.events).toHaveLength(1);
  });
});
