import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDesign } from '../../shared/store/dynamodb/table-design.js';
import { designFingerprint, shapeDifferences, TableShapeMismatchError } from './table-shape.js';

/** Local table name of a design: `<prefix><table id>`; prefixes isolate test suites. */
export const localTableName = (design: TableDesign, prefix = '') => `${prefix}${design.id}`;

/** Item beside the data recording the design it was written with (never an id: ids have no '#'). */
const DESIGN_KEY = '#design';

/**
 * Creates every table from the same designs CDK deploys (keys, GSIs, TTL, stream); existing tables are
 * kept, so data survives restarts — unless they have another shape than the design, which
 * fails with TableShapeMismatchError (`npm start -- --fresh` recreates them). Returns the env
 * vars that name them.
 */
export async function createTables(client: DynamoDBClient, designs: readonly TableDesign[], prefix = ''): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const design of designs) {
    const name = localTableName(design, prefix);
    env[design.envVar] = name;
    const attributes = new Set([design.partitionKey, ...design.indexes.flatMap((index) => [index.partitionKey, index.sortKey])]);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          ...(design.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: design.stream } } : {}),
          KeySchema: [{ AttributeName: design.partitionKey, KeyType: 'HASH' }],
          AttributeDefinitions: [...attributes].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
          GlobalSecondaryIndexes:
            design.indexes.length === 0
              ? undefined
              : design.indexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: index.partitionKey, KeyType: 'HASH' },
                    { AttributeName: index.sortKey, KeyType: 'RANGE' },
                  ],
                  Projection: index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'KEYS_ONLY' },
                })),
        }),
      );
      if (design.indexes.length > 0) {
        await client.send(
          new PutItemCommand({ TableName: name, Item: { [design.partitionKey]: { S: DESIGN_KEY }, fingerprint: { S: designFingerprint(design) } } }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      await checkShape(client, design, name);
    }
    if (design.timeToLiveAttribute) await enableTimeToLive(client, name, design.timeToLiveAttribute);
  }
  return env;
}

async function checkShape(client: DynamoDBClient, design: TableDesign, name: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const stored =
    design.indexes.length === 0
      ? undefined
      : await client.send(new GetItemCommand({ TableName: name, Key: { [design.partitionKey]: { S: DESIGN_KEY } }, ConsistentRead: true }));
  const differences = shapeDifferences(design, Table ?? {}, stored?.Item?.fingerprint?.S);
  if (differences.length > 0) throw new TableShapeMismatchError(name, differences);
}

/** TTL as in AWS; enabling it twice is an error DynamoDB Local reports, not a problem. */
async function enableTimeToLive(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }));
  } catch (error) {
    if (!/already enabled/i.test((error as Error).message)) throw error;
  }
}

/** Drops the tables of the given prefix (test teardown, `--fresh`). */
export async function dropTables(client: DynamoDBClient, prefix: string): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const name of TableNames.filter((table) => table.startsWith(prefix))) {
    await client.send(new DeleteTableCommand({ TableName: name }));
  }
}
