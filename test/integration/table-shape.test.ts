import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTables, dropTables } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { TableShapeMismatchError } from '../../infra/local/table-shape.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { type TableDesign, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';

const client = new DynamoDBClient({
  endpoint: inject('dynamodbEndpoint'),
  region: LOCAL_AWS_ENV.AWS_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const prefixes: string[] = [];
const prefix = () => {
  const value = `shape${randomBytes(3).toString('hex')}_`;
  prefixes.push(value);
  return value;
};
afterAll(async () => {
  for (const value of prefixes) await dropTables(client, value);
  client.destroy();
});

/** The design before sharding: one `all` partition, ALL projections, a search-count index. */
const OLD: TableDesign = {
  ...tableDesign(students),
  indexes: [
    { name: 'by_student_id', partitionKey: '_all', sortKey: '_s_student_id', sort: 'student_id', shards: 1, include: undefined },
    { name: 'search_text', partitionKey: '_all', sortKey: 'pk', include: ['_search'], shards: 1 },
  ],
};

describe('local table shape', () => {
  it('keeps an existing table of the current shape (restarts keep data)', async () => {
    const p = prefix();
    await createTables(client, [tableDesign(students)], p);
    await expect(createTables(client, [tableDesign(students)], p)).resolves.toEqual({ STUDENTS_TABLE_NAME: `${p}students` });
  });

  it('refuses a table of the old shape, naming the differences and the --fresh way out', async () => {
    const p = prefix();
    await createTables(client, [OLD], p);
    const error = await createTables(client, [tableDesign(students)], p).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TableShapeMismatchError);
    const message = (error as Error).message;
    expect(message).toContain("index 'all_by_student_id' is missing");
    expect(message).toContain("index 'search_text' is no longer part of the design");
    expect(message).toContain('npm start -- --fresh');
  });

  it('refuses a table whose indexes match but whose shard counts were derived from another capacity', async () => {
    const p = prefix();
    const slower = tableDesign({ ...students, capacity: { writesPerSecond: 1_000 } });
    await createTables(client, [slower], p);
    await expect(createTables(client, [tableDesign(students)], p)).rejects.toThrow(/shard counts differ/);
  });

  it('creates a declared stream and TTL, and refuses a table whose stream differs from the design', async () => {
    const p = prefix();
    await createTables(client, [outboxTable], p);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: `${p}outbox` }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(Table?.LatestStreamArn).toBeDefined();
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: `${p}outbox` }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expires_at', TimeToLiveStatus: 'ENABLED' });
    await expect(createTables(client, [outboxTable], p)).resolves.toEqual({ OUTBOX_TABLE_NAME: `${p}outbox` });

    const unstreamed = prefix();
    await createTables(client, [{ ...outboxTable, stream: undefined }], unstreamed);
    await expect(createTables(client, [outboxTable], unstreamed)).rejects.toThrow(/stream is off, expected NEW_IMAGE/);
  });
});
