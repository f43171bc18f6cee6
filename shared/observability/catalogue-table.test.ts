import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueTable } from './catalogue-table.js';
import { generatedDocSection } from '../../test/support/generated-doc-section.js';
import { catalogueEntries } from './metric-catalogue.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/observability.md');

describe('docs/observability.md', () => {
  it('lists the metric catalogue as it is (UPDATE_DOCS=1 regenerates the table)', () => {
    const { actual, expected } = generatedDocSection(DOC, 'metric-catalogue', catalogueTable());
    expect(actual).toBe(expected);
  });

  it('has one table row per catalogue metric', () => {
    const rows = catalogueTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(\w+)`/.exec(row)?.[1])).toEqual(catalogueEntries().map((entry) => entry.name));
  });
});
