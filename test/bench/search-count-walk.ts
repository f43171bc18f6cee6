import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_PARTITION, indexFor, SEARCH_ATTR, tableDesign } from '../../shared/entity/table-design.js';
import { students } from '../../shared/students/students.entity.js';

export interface CountWalk {
  ms: number;
  pages: number;
  count: number;
  scanned: number;
}

/**
 * The query the store runs to count search matches (a COUNT over the whole default-sort
 * index with `contains(_search, :q)`), issued directly: shows how much of a search request
 * is this full-index walk rather than the page itself.
 */
export async function timeSearchCountWalk(doc: DynamoDBDocumentClient, tableName: string, search: string): Promise<CountWalk> {
  const index = indexFor(tableDesign(students), students.list.defaultSort);
  const started = performance.now();
  let pages = 0;
  let count = 0;
  let scanned = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#p = :p',
        FilterExpression: 'contains(#q, :q)',
        ExpressionAttributeNames: { '#p': index.partitionKey, '#q': SEARCH_ATTR },
        ExpressionAttributeValues: { ':p': ALL_PARTITION, ':q': search },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    pages++;
    count += out.Count ?? 0;
    scanned += out.ScannedCount ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return { ms: performance.now() - started, pages, count, scanned };
}
