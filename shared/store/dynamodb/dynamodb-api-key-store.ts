import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../../api-keys/api-key-store.js';
import { PK } from './table-design.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { translateDynamoError } from './dynamodb-errors.js';

const VIEW_ATTRIBUTES = ['name', 'role', 'created_at', 'created_by'] as const;

/** DynamoDB adapter of the API key store: one item per key in the api-keys table. */
export class DynamoDbApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ApiKeyRecord): Promise<void> {
    const { key_id, ...rest } = record;
    const put = new PutCommand({
      TableName: this.tableName,
      Item: { [PK]: key_id, ...rest },
      // Ids are random; never let a collision overwrite another key's hash.
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    });
    await this.client.send(put, budgetedCallOptions()).catch(translateDynamoError);
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    // Strongly consistent: a key works the moment its create call has answered.
    const out = await this.client
      .send(new GetCommand({ TableName: this.tableName, Key: { [PK]: keyId }, ConsistentRead: true }), budgetedCallOptions())
      .catch(translateDynamoError);
    return out.Item ? recordOf(out.Item) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const names = Object.fromEntries([PK, ...VIEW_ATTRIBUTES].map((attribute, index) => [`#a${index}`, attribute]));
    const records: ApiKeyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      // Only the view attributes leave DynamoDB: salts and hashes are never read here.
      const out = await this.client
        .send(
          new ScanCommand({
            TableName: this.tableName,
            ProjectionExpression: Object.keys(names).join(', '),
            ExpressionAttributeNames: names,
            ExclusiveStartKey: startKey,
          }),
          budgetedCallOptions(),
        )
        .catch(translateDynamoError);
      records.push(...(out.Items ?? []).map(recordOf));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async remove(keyId: string): Promise<boolean> {
    const out = await this.client
      .send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: keyId }, ReturnValues: 'ALL_OLD' }), budgetedCallOptions())
      .catch(translateDynamoError);
    return out.Attributes !== undefined;
  }
}

function recordOf(item: Record<string, unknown>): ApiKeyRecord {
  const { [PK]: keyId, ...rest } = item;
  return { key_id: String(keyId), salt: '', secret_hash: '', ...rest } as ApiKeyRecord;
}
