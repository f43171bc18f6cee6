import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../../entity/define-entity.js';
import { EntityNotFoundError, EntityVersionMismatchError } from '../../entity/entity.errors.js';
import { InsufficientStockError, StockLimitError } from '../../products/products.errors.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import type { StoredItem } from '../entity-store.js';
import type { StockChange, StockStore } from '../stock-store.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { fromRecord } from './item-record.js';
import { PK } from './table-design.js';

/** Which numeric attribute holds the available stock and the most it may hold. */
export interface StockLimits {
  field: string;
  max: number;
}

/**
 * DynamoDB adapter of the stock port: ONE UpdateItem whose condition says the item exists,
 * the new level stays within [0, max] and (with If-Match) the version is one named; it bumps
 * the version and `updated_at`. No index key, projected attribute or counter changes, so it
 * costs one write on the item alone. A failed condition returns the old item
 * (ReturnValuesOnConditionCheckFailure), which says which part failed without another read.
 */
export class DynamoDbStockStore implements StockStore {
  constructor(
    private readonly entity: Entity,
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: StockLimits,
  ) {}

  async adjust(change: StockChange): Promise<StoredItem> {
    const { id, delta, at, versions } = change;
    const values: Record<string, unknown> = {
      ':d': delta,
      ':one': 1,
      ':at': at,
      // Bounds on the level BEFORE the change, so that the level after lies within [0, max].
      ':lo': Math.max(0, -delta),
      ':hi': this.limits.max - Math.max(0, delta),
    };
    const versionNames = (versions ?? []).map((version, index) => {
      values[`:v${index}`] = version;
      return `:v${index}`;
    });
    // If-Match that named no strong ETag matches no version: a condition that fails on any item.
    const versionCondition = versions === undefined ? [] : versions.length === 0 ? ['attribute_not_exists(#v)'] : [`#v IN (${versionNames.join(', ')})`];
    const conditions = ['attribute_exists(#pk)', '#s BETWEEN :lo AND :hi', ...versionCondition];
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: { [PK]: id },
      UpdateExpression: 'SET #s = #s + :d, #v = #v + :one, #u = :at',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#pk': PK, '#s': this.limits.field, '#v': 'version', '#u': 'updated_at' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      const out = await this.client.send(command, budgetedCallOptions());
      return fromRecord(this.entity, out.Attributes ?? {});
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw await this.refusal(change, error);
      return translateDynamoError(error);
    }
  }

  /**
   * Why the condition failed, read from the item as it was. `unmarshall` is imported here, on
   * the first refusal: an ES import of `@aws-sdk/util-dynamodb` at init makes Node re-read the
   * CommonJS package for its export names (~5–10 ms of CPU) although lib-dynamodb loaded it.
   */
  private async refusal(change: StockChange, error: Error): Promise<Error> {
    const item = (error as { Item?: Record<string, AttributeValue> }).Item;
    if (!item) return new EntityNotFoundError(this.entity.singular, change.id);
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    const old = unmarshall(item);
    const version = Number(old.version);
    if (change.versions && !change.versions.includes(version)) {
      return new EntityVersionMismatchError(this.entity.singular, change.id, change.versions, version);
    }
    const available = Number(old[this.limits.field] ?? 0);
    return available + change.delta < 0
      ? new InsufficientStockError(change.id, available, change.delta)
      : new StockLimitError(change.id, available, change.delta, this.limits.max);
  }
}
