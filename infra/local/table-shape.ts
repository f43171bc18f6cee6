import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { TableDesign } from '../../shared/store/dynamodb/table-design.js';

/** A local table exists with another shape than the design (an older version of the code). */
export class TableShapeMismatchError extends Error {
  constructor(
    readonly table: string,
    readonly differences: string[],
  ) {
    super(
      `Local table '${table}' has an older shape than this code expects:\n  ${differences.join('\n  ')}\n` +
        `Its lists would be wrong, so nothing was started. Run \`npm start -- --fresh\` to drop the local data and recreate the tables.`,
    );
    this.name = 'TableShapeMismatchError';
  }
}

/**
 * Fingerprint of everything about a design that changes where items and counters are written:
 * index names, keys, projections and shard counts. Stored beside the data (`#design` item)
 * because shard counts are invisible to DescribeTable.
 */
export function designFingerprint(design: TableDesign): string {
  return JSON.stringify({
    indexes: design.indexes.map((index) => [index.name, index.partitionKey, index.sortKey, index.include ?? [], index.shards]),
    counters: design.counters ? [design.counters.total.shards, Object.entries(design.counters.filters).map(([name, family]) => [name, family.shards])] : [],
  });
}

/** What differs between an existing table and the design; empty when it matches. */
export function shapeDifferences(design: TableDesign, table: TableDescription, storedFingerprint: string | undefined): string[] {
  const differences: string[] = [];
  const key = table.KeySchema?.find((element) => element.KeyType === 'HASH')?.AttributeName;
  if (key !== design.partitionKey) differences.push(`partition key is '${key}', expected '${design.partitionKey}'`);
  const existing = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  for (const index of design.indexes) {
    const found = existing.get(index.name);
    existing.delete(index.name);
    if (!found) {
      differences.push(`index '${index.name}' is missing`);
      continue;
    }
    const hash = found.KeySchema?.find((element) => element.KeyType === 'HASH')?.AttributeName;
    const range = found.KeySchema?.find((element) => element.KeyType === 'RANGE')?.AttributeName;
    if (hash !== index.partitionKey || range !== index.sortKey)
      differences.push(`index '${index.name}' has keys ${hash}/${range}, expected ${index.partitionKey}/${index.sortKey}`);
    const projection = found.Projection?.ProjectionType;
    const expected = index.include ? 'INCLUDE' : 'KEYS_ONLY';
    if (projection !== expected) differences.push(`index '${index.name}' projects ${projection}, expected ${expected}`);
  }
  for (const name of existing.keys()) differences.push(`index '${name}' is no longer part of the design`);
  // A table without the stream its design declares would leave its stream mapping (the outbox publisher) idle.
  const stream = table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : undefined;
  if (stream !== design.stream) differences.push(`stream is ${stream ?? 'off'}, expected ${design.stream ?? 'off'}`);
  if (differences.length === 0 && design.indexes.length > 0 && storedFingerprint !== designFingerprint(design)) {
    differences.push('index or counter shard counts differ from the declared capacity');
  }
  return differences;
}
