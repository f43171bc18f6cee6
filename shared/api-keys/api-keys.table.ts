import { PK, type TableDesign } from '../store/dynamodb/table-design.js';

/**
 * THE api-keys table: one item per key (`pk` = key id) holding its salted hash, never the
 * secret. No indexes: keys are read by id, and the admin list is a small scan. CDK and the
 * local table creation both build it from this design.
 */
export const apiKeysTable: TableDesign = {
  id: 'api-keys',
  envVar: 'API_KEYS_TABLE_NAME',
  partitionKey: PK,
  indexes: [],
};
