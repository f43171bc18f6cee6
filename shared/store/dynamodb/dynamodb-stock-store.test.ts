import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { MAX_STOCK, products } from '../../products/products.entity.js';
import { createDocumentClient } from './document-client.js';
import { DynamoDbStockStore } from './dynamodb-stock-store.js';

/** Branches DynamoDB Local cannot produce; conditions are tested in test/integration/dynamodb-stock-store.test.ts. */
const ddb = mockClient(DynamoDBDocumentClient);
const stock = new DynamoDbStockStore(products, createDocumentClient({ AWS_REGION: 'us-east-1' }), 'products-unit', {
  field: 'stock_available',
  max: MAX_STOCK,
});

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('DynamoDbStockStore errors', () => {
  it('turns throttling into a retryable DependencyUnavailableError (503)', async () => {
    ddb.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }));
    await expect(stock.adjust({ id: 'MUG-01', delta: 1, at: '2026-01-01T00:00:00.000Z' })).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('sends one UpdateItem bounding the level before the change so that the level after stays in [0, max]', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { pk: 'MUG-01', sku: 'MUG-01', stock_available: 2, version: 2 } });
    await stock.adjust({ id: 'MUG-01', delta: -3, at: '2026-01-01T00:00:00.000Z', versions: [1] });
    const [call] = ddb.commandCalls(UpdateCommand);
    expect(call!.args[0].input).toMatchObject({
      Key: { pk: 'MUG-01' },
      ConditionExpression: 'attribute_exists(#pk) AND #s BETWEEN :lo AND :hi AND #v IN (:v0)',
      ExpressionAttributeValues: { ':d': -3, ':lo': 3, ':hi': MAX_STOCK, ':v0': 1 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });
});
