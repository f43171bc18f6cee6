import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../shared/errors/app-error.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { directImport } from '../../shared/import/direct/direct-import.js';
import type { ImportMode } from '../../shared/import/import-sink.js';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import { students } from '../../shared/students/students.entity.js';
import { useStudentsStore } from '../support/students-store.js';
import { storedWithPrefix } from '../support/table-scan.js';

const db = useStudentsStore();
const TOWNS = ['Hanoi', 'Huế', 'Đà Nẵng', ''];

function roster(prefix: string, rows: number): Buffer {
  const lines = ['Student ID,First Name,Last Name,Hometown,Math'];
  for (let i = 0; i < rows; i++) lines.push(`${prefix}${i},Nguyễn Văn,An ${i},${TOWNS[i % TOWNS.length]},${i % 11}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
}

type Send = (...args: unknown[]) => Promise<unknown>;

/**
 * The real DynamoDB Local client, except that BatchWriteItem call number `batchWrites + 1`
 * stores only its first 10 items (the rest come back as UnprocessedItems); from then on every
 * batch read/write is throttled, and so are the next `thenFail` other calls (the lease release,
 * the first closing attempt). DynamoDB Local never throttles by itself.
 */
function throttlingClient(batchWrites: number, thenFail: number) {
  let calls = 0;
  let failOthers = thenFail;
  let tripped = false;
  const client = new Proxy(db.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      const send = (target.send as Send).bind(target);
      return async (command: unknown, ...rest: unknown[]) => {
        if (command instanceof BatchWriteCommand && !tripped && ++calls > batchWrites) {
          tripped = true;
          const [table, requests] = Object.entries(command.input.RequestItems!)[0]!;
          await send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, 10) } }), ...rest);
          return { UnprocessedItems: { [table]: requests.slice(10) } };
        }
        const batch = command instanceof BatchWriteCommand || command instanceof BatchGetCommand;
        if (batch && tripped) throw throttled();
        if (!batch && tripped && failOthers > 0) {
          failOthers--;
          throw throttled();
        }
        return send(command, ...rest);
      };
    },
  }) as DynamoDBDocumentClient;
  return { client, othersFailed: () => thenFail - failOthers };
}

function door(client: DynamoDBDocumentClient) {
  const store = new DynamoDbEntityStore(students, client, db.tableName);
  const jobs = new DynamoDbImportJobStore(
    client,
    process.env[importJobsTable.envVar]!,
    () => ({ design: db.store.design, tableName: db.tableName }),
    process.env.OUTBOX_TABLE_NAME,
  );
  return { jobs, sink: new DynamoDbImportSink(students, store, client, db.tableName), entity: students, owner: `req-${Math.random()}` };
}

const stored = (prefix: string) => storedWithPrefix(db.client, db.tableName, prefix);

const townCount = (town: string) => db.store.count({ filter: { name: 'hometown', value: filterValue(town)! } });

describe('the direct import door under DynamoDB throttling', () => {
  it('counts the batches a failed request wrote, so an upsert re-send ends with totals equal to the rows stored', async () => {
    const file = { name: 'roster.csv', bytes: roster('DT', 400) };
    const before = { total: await db.store.count({}), hue: await townCount('Huế') };
    const attempts: [batchWrites: number, mode: ImportMode][] = [
      [3, 'create'],
      [7, 'upsert'],
    ];
    for (const [batchWrites, mode] of attempts) {
      const throttling = throttlingClient(batchWrites, 2);
      const deps = door(throttling.client);
      const failure = await directImport(deps, file, mode).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DependencyUnavailableError); // → 503 + Retry-After
      expect(throttling.othersFailed()).toBe(2); // the release and the first closing attempt were throttled too
      const rows = await stored('DT');
      // Whole batches and the first 10 items of a partly written one (the re-sent attempt rewrites some of the first's rows).
      if (mode === 'create') expect(rows.size).toBe(batchWrites * 25 + 10);
      else expect(rows.size).toBeGreaterThan(batchWrites * 25);
      expect(rows.size).toBeLessThan(400);
      // Every row the failed request wrote is already counted, before any re-send.
      expect(await db.store.count({})).toBe(before.total + rows.size);
      const [job] = (await door(db.client).jobs.list(1)).jobs;
      expect(job).toMatchObject({ status: 'failed', message: expect.stringMatching(/mode=upsert/) });
    }
    const result = await directImport(door(db.client), file, 'upsert');
    const rows = await stored('DT');
    expect(rows.size).toBe(400);
    expect(result.created + result.updated).toBe(400);
    expect(result.created).toBeLessThan(400 - 3 * 25);
    expect(await db.store.count({})).toBe(before.total + 400);
    expect(await townCount('Huế')).toBe(before.hue + [...rows.values()].filter((row) => row.hometown === 'Huế').length);
  });
});
