import { afterAll, beforeAll } from 'vitest';
import { importJobsTable } from '../../shared/import/jobs/import-jobs.table.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbImportJobStore } from '../../shared/store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from './local-tables.js';

/** What a store test works with; filled in by the file's `beforeAll`. */
export interface StudentsStoreFixture {
  tables: LocalTables;
  client: ReturnType<typeof createDocumentClient>;
  store: DynamoDbEntityStore;
  tableName: string;
}

/**
 * Registers the `beforeAll`/`afterAll` of a file testing the students store on DynamoDB Local:
 * this file's tables, a DocumentClient and the store over them, dropped afterwards.
 */
export function useStudentsStore(): StudentsStoreFixture {
  const fixture = {} as StudentsStoreFixture;
  beforeAll(async () => {
    fixture.tables = await createLocalTables();
    fixture.tableName = process.env.STUDENTS_TABLE_NAME!;
    fixture.client = createDocumentClient(process.env);
    fixture.store = new DynamoDbEntityStore(students, fixture.client, fixture.tableName);
  });
  afterAll(async () => {
    fixture.client?.destroy();
    await fixture.tables?.drop();
  });
  return fixture;
}

/** The import-job store over a students-store file's tables, its jobs importing into the students table (call it once the fixture is filled). */
export function importJobStoreOf(db: StudentsStoreFixture): DynamoDbImportJobStore {
  return new DynamoDbImportJobStore(
    db.client,
    process.env[importJobsTable.envVar]!,
    () => ({ design: db.store.design, tableName: db.tableName }),
    process.env.OUTBOX_TABLE_NAME,
  );
}
