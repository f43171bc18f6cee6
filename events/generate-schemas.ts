import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas, SCHEMAS_DIR } from './json-schemas.js';

/** `npm run events:schemas`: rewrites events/schemas/ from the zod schemas (commit the result). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, SCHEMAS_DIR);
mkdirSync(dir, { recursive: true });
const files = eventJsonSchemas();
for (const stale of readdirSync(dir).filter((name) => name.endsWith('.json') && !(name in files))) rmSync(path.join(dir, stale));
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
console.log(`wrote ${Object.keys(files).length} schemas to ${SCHEMAS_DIR}/`);
