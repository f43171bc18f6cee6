import { parseArgs } from 'node:util';
import { entities } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { repairCounters } from '../../shared/store/dynamodb/counter-repair.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';

/**
 * `npm run counters:repair -- --entity students [--segments 4]`: recounts the entity from its
 * table and rewrites its counter shards. Table and endpoint come from the environment the
 * functions see (`STUDENTS_TABLE_NAME`, `DYNAMODB_ENDPOINT` for DynamoDB Local, AWS_* otherwise).
 */
const { values } = parseArgs({ options: { entity: { type: 'string' }, segments: { type: 'string', default: '4' } } });
const entity = entities.find((candidate) => candidate.name === values.entity);
if (!entity) {
  console.error(`usage: npm run counters:repair -- --entity <${entities.map((e) => e.name).join('|')}> [--segments N]`);
  process.exit(2);
}
const design = tableDesign(entity);
const tableName = process.env[design.envVar] ?? entity.name;
const client = createDocumentClient(process.env);
const started = performance.now();
const result = await repairCounters(client, entity, tableName, Number(values.segments));
const filters = Object.entries(result.counts.filters)
  .map(([name, counted]) => `${name}: ${Object.keys(counted).length} values`)
  .join(', ');
console.log(
  `${tableName}: ${result.counts.total} items (${filters}); ${result.written} counter shards written, ${result.deleted} stale deleted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
client.destroy();
