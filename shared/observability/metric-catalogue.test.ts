import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entities } from '../registry.js';
import { entityWriteMetrics } from './entity-write-metrics.js';
import { catalogueEntries, isMetricName, metricCatalogue } from './metric-catalogue.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Where emitting code lives; tests and benches are left out (they pass spies). */
const SOURCE_DIRS = ['shared', 'functions', 'infra', 'events'];

function sourceFiles(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
      .map((file) => path.join(dir, file)),
  );
}

/** A metric name in source: `emitMetric(sink, 'Name'` (each quoted name of a ternary too). */
const EMIT_CALL = /emitMetric\(\s*[\w.]+\s*,\s*([^,)]+)/g;
/** The way around the catalogue: a metric added by its literal name. */
const RAW_ADD = /\.addMetric\(\s*['"`]([^'"`]+)['"`]/g;

interface Found {
  emitted: string[];
  raw: string[];
}

/** The metric names `code` emits through the catalogue helper, and those it adds directly. */
function metricNamesIn(code: string): Found {
  const emitted = [...code.matchAll(EMIT_CALL)].flatMap((match) => [...match[1]!.matchAll(/['"`](\w+)['"`]/g)].map((quoted) => quoted[1]!));
  const raw = [...code.matchAll(RAW_ADD)].map((match) => match[1]!);
  return { emitted, raw };
}

describe('metric catalogue', () => {
  const files = sourceFiles().map((file) => ({ file, found: metricNamesIn(readFileSync(path.join(ROOT, file), 'utf8')) }));

  it('finds the names a snippet emits, and flags an undeclared one', () => {
    const found = metricNamesIn(`
      emitMetric(metrics, 'CacheHit');
      emitMetric(this.metrics, status === 500 ? 'UnhandledError' : 'DependencyErrors');
      emitMetric(metrics, 'ExportRows', { format }, rows);
      metrics.addMetric('Sneaky', MetricUnit.Count, 1);
    `);
    expect(found).toEqual({ emitted: ['CacheHit', 'UnhandledError', 'DependencyErrors', 'ExportRows'], raw: ['Sneaky'] });
    expect(found.emitted.filter((name) => !isMetricName(name))).toEqual(['DependencyErrors']);
  });

  it('declares every metric name the code emits', () => {
    const undeclared = files.flatMap(({ file, found }) => found.emitted.filter((name) => !isMetricName(name)).map((name) => `${file}: ${name}`));
    expect(undeclared).toEqual([]);
    // The scan is looking at the real emitters, not at nothing.
    const emitted = new Set(files.flatMap(({ found }) => found.emitted));
    for (const name of [
      'CacheHit',
      'CacheMiss',
      'CacheUnavailable',
      'CircuitOpen',
      'RateLimited',
      'ImportRowsProcessed',
      'ExportRows',
      'AuthenticationFailed',
    ]) {
      expect(emitted, name).toContain(name);
    }
  });

  it('is the only way metrics are added: no literal addMetric outside emitMetric', () => {
    expect(files.flatMap(({ file, found }) => found.raw.map((name) => `${file}: ${name}`))).toEqual([]);
  });

  it.each(entities.map((entity) => [entity.name]))('declares the write metrics of entity %s', (name) => {
    expect(() => entityWriteMetrics(name)).not.toThrow();
  });

  it('derives write metric names from the entity name', () => {
    expect(entityWriteMetrics('students')).toEqual({ created: 'StudentsCreated', updated: 'StudentsUpdated', deleted: 'StudentsDeleted' });
  });

  it('refuses an entity whose write metrics are not declared', () => {
    expect(() => entityWriteMetrics('courses')).toThrow(/CoursesCreated is not declared/);
  });

  it('names metrics in PascalCase with short descriptions and low-cardinality dimensions only', () => {
    for (const entry of catalogueEntries()) {
      expect(entry.name, entry.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(entry.description.length, entry.name).toBeGreaterThan(10);
      // Ids, keys and paths would make one CloudWatch metric per value.
      for (const dimension of entry.dimensions ?? []) expect(dimension, entry.name).not.toMatch(/id|key|path|user|ip|email/i);
      expect((entry.dimensions ?? []).length, entry.name).toBeLessThanOrEqual(2);
    }
  });

  it('names every metric the issue lists', () => {
    const listed = [
      'StudentsCreated',
      'StudentsUpdated',
      'StudentsDeleted',
      'ImportRowsProcessed',
      'ImportRowErrors',
      'ImportJobDuration',
      'ExportRows',
      'OrdersCreated',
      'OrdersCompleted',
      'OrdersRejected',
      'PaymentsSucceeded',
      'PaymentsFailed',
      'CacheHit',
      'CacheMiss',
      'CacheUnavailable',
      'RateLimited',
      'CircuitOpen',
    ];
    expect(Object.keys(metricCatalogue)).toEqual(expect.arrayContaining(listed));
  });
});
