import { parseArgs } from 'node:util';
import { entities } from '../../shared/registry.js';
import { capacityModel } from '../../shared/store/dynamodb/capacity-model.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { capacityDataset } from './capacity-dataset.js';
import { formatCapacity } from './capacity-table.js';

/**
 * `npm run capacity -- --entity students --rows 1000000 --rate 10000 [--skew hometown=0.35]
 * [--mode api|bulk] [--pages 1000]`: streams a generated dataset through the store's key,
 * index and counter functions and prints each target's hottest partition. Exits 1 when any
 * partition would exceed 1,000 WCU/s or 3,000 RCU/s.
 */
const { values } = parseArgs({
  options: {
    entity: { type: 'string', default: 'students' },
    rows: { type: 'string', default: '1000000' },
    rate: { type: 'string' },
    skew: { type: 'string', multiple: true, default: [] },
    mode: { type: 'string', default: 'api' },
    pages: { type: 'string', default: '1000' },
  },
});
const entity = entities.find((candidate) => candidate.name === values.entity);
if (entity?.name !== 'students' || (values.mode !== 'api' && values.mode !== 'bulk')) {
  console.error('usage: npm run capacity -- --entity students --rows N --rate N [--skew hometown=0.35] [--mode api|bulk] [--pages N]');
  process.exit(2);
}
const skew = Object.fromEntries(values.skew.map((entry) => entry.split('=')).map(([name, share]) => [name, Number(share)]));
const design = tableDesign(entity);
const rate = Number(values.rate ?? design.capacity?.writesPerSecond);
const rows = capacityDataset({ rows: Number(values.rows), hottestHometown: skew.hometown ?? entity.capacity?.skew?.hometown });
const started = performance.now();
const report = capacityModel(entity, design, rows, { rate, mode: values.mode, pagesPerSecond: Number(values.pages), pageSize: 10 });
console.log(formatCapacity(report, rate));
console.log(`(modelled in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exit(report.flagged.length > 0 ? 1 : 0);
