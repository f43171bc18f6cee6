import { describe, expect, it } from 'vitest';
import { defineEntity } from '../../shared/entity/define-entity.js';
import { capacityModel } from '../../shared/store/dynamodb/capacity-model.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { capacityDataset } from './capacity-dataset.js';

const OPTIONS = { rate: 10_000, pagesPerSecond: 1_000, pageSize: 10 } as const;

describe('capacity model', () => {
  it('finds no partition above 1,000 WCU/s for students at the declared 10,000 writes/s and hometown skew 0.35', () => {
    const report = capacityModel(students, tableDesign(students), capacityDataset({ rows: 20_000, hottestHometown: 0.35 }), { ...OPTIONS, mode: 'api' });
    expect(report.rows).toBe(20_000);
    expect(report.flagged).toEqual([]);
    const byName = new Map(report.lines.map((line) => [`${line.kind} ${line.name}`, line]));
    // The hottest hometown index shard carries its share of the skewed city, close to the 500 WCU/s target.
    const hometown = byName.get('gsi hometown_by_student_id')!;
    expect(hometown.hottestKey.startsWith('hà nội#')).toBe(true);
    expect(hometown.hottestWcuPerSecond).toBeGreaterThan(300);
    expect(hometown.hottestWcuPerSecond).toBeLessThan(1_000);
    expect(byName.get('counter total')!.hottestWcuPerSecond).toBeLessThan(1_000);
    expect(report.loadSeconds).toBeCloseTo(2, 5);
  });

  it('flags an under-sharded design: declared skew 0.05 but a city holding 35% of the rows', () => {
    const underDeclared = defineEntity({ ...students, capacity: { writesPerSecond: 10_000, skew: { hometown: 0.05 } } });
    const report = capacityModel(underDeclared, tableDesign(underDeclared), capacityDataset({ rows: 10_000, hottestHometown: 0.35 }), {
      ...OPTIONS,
      mode: 'api',
    });
    const flagged = report.flagged.map((line) => `${line.kind} ${line.name}`);
    expect(flagged).toContain('gsi hometown_by_student_id');
    expect(flagged).toContain('counter hometown');
    expect(flagged).not.toContain('gsi all_by_student_id');
    // The hottest partition, not the declared rate, sets the load time.
    expect(report.loadSeconds).toBeGreaterThan(10_000 / 10_000);
  });

  it('costs far fewer counter writes per row in bulk mode (one delta per 25-row batch) than in api mode', () => {
    const api = capacityModel(students, tableDesign(students), capacityDataset({ rows: 5_000 }), { ...OPTIONS, mode: 'api' });
    const bulk = capacityModel(students, tableDesign(students), capacityDataset({ rows: 5_000 }), { ...OPTIONS, mode: 'bulk' });
    const counterWcu = (report: typeof api) => report.lines.filter((line) => line.kind === 'counter').reduce((sum, line) => sum + line.wcuPerRow, 0);
    expect(counterWcu(bulk)).toBeLessThan(counterWcu(api) / 2);
    expect(bulk.wcuPerRow).toBeLessThan(api.wcuPerRow);
  });
});
