import path from 'node:path';
import { catalogueTable } from '../../../shared/observability/catalogue-table.js';
import { generatedDocSection } from '../../../test/support/generated-doc-section.js';

/** Rewrites the metric table of docs/observability.md from the catalogue, as `UPDATE_DOCS=1` does in its test. */
generatedDocSection(path.resolve(import.meta.dirname, '../../../docs/observability.md'), 'metric-catalogue', catalogueTable(), { UPDATE_DOCS: '1' });
