import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PK } from '../../shared/store/dynamodb/table-design.js';

type Item = Record<string, unknown>;

/** Every item of a table, page by page, strongly consistent (what the tests check writes against). */
export async function* scanTable(client: DynamoDBDocumentClient, tableName: string): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/** The items whose partition key starts with `prefix` (a test's own ids), by partition key. */
export async function storedWithPrefix(client: DynamoDBDocumentClient, tableName: string, prefix: string): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  for await (const item of scanTable(client, tableName)) if (String(item[PK]).startsWith(prefix)) items.set(String(item[PK]), item);
  return items;
}
