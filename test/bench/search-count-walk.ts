import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { indexFor, indexPartitions, SEARCH_ATTR, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';

export interface CountWalk {
  ms: number;
  pages: number;
  count: number;
  scanned: number;
}

/**
 * The reads of a search pass (every shard of the default-sort index with
 * `contains(_search, :q)`, shared/store/dynamodb/search-pass.ts) as COUNT queries, issued
 * directly, one shard after another: shows how much of a cold search request is this
 * full-index walk rather than the page itself.
 */
export async function timeSearchCountWalk(doc: DynamoDBDocumentClient, tableName: string, search: string): Promise<CountWalk> {
  const index = indexFor(tableDesign(students), students.list.defaultSort);
  const started = performance.now();
  let pages = 0;
  let count = 0;
  let scanned = 0;
  for (const partition of indexPartitions(index)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#p = :p',
          FilterExpression: 'contains(#q, :q)',
          ExpressionAttributeNames: { '#p': index.partitionKey, '#q': SEARCH_ATTR },
          ExpressionAttributeValues: { ':p': partition, ':q': search },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      pages++;
      count += out.Count ?? 0;
      scanned += out.ScannedCount ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
  return { ms: performance.now() - started, pages, count, scanned };
}
