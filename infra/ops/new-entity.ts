import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEntityArgs, SpecError, USAGE } from './new-entity/entity-spec.js';
import { planNewEntity } from './new-entity/plan.js';

/**
 * `npm run new:entity -- <name> --fields "id:string:key,title:string,credits:int?" [--filter f] [--sort f] [--with-cache] [--with-events]`:
 * writes a new entity's declaration, Lambda entries and tests, and registers it in
 * shared/registry.ts and the metric catalogue (with `--with-events`, its change events in
 * events/ and their JSON Schema too; docs/scaffolder.md). Bad arguments or a
 * collision with what exists: the reason, exit 1, nothing written.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(argv: string[]): Promise<number> {
  const spec = parseEntityArgs(argv);
  // Loaded only after the arguments are good: it pulls in every declaration.
  const { entities, functions, tableDesigns } = await import('../../shared/registry.js');
  const plan = planNewEntity(spec, {
    read: (file) => readFileSync(path.join(ROOT, file), 'utf8'),
    exists: (file) => existsSync(path.join(ROOT, file)),
    entities: entities.map((entity) => entity.name),
    tables: tableDesigns.map((table) => table.id),
    routes: functions.flatMap((fn) => fn.routes.map((route) => route.path)),
  });
  for (const [file, content] of Object.entries(plan)) {
    const target = path.join(ROOT, file);
    const existed = existsSync(target);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    process.stdout.write(`${existed ? 'updated' : 'created'} ${file}\n`);
  }
  // The metric table of docs/observability.md is generated from the catalogue just edited: a fresh process reads it.
  const refreshed = spawnSync(process.execPath, [...process.execArgv, path.join(ROOT, 'infra/ops/new-entity/refresh-metric-docs.ts')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (refreshed.status !== 0)
    process.stderr.write('could not regenerate docs/observability.md: run UPDATE_DOCS=1 npx vitest run shared/observability/catalogue-table.test.ts\n');
  if (spec.events) {
    // The committed JSON Schema of the new events (events/schemas/, checked by events/events.test.ts), from the catalog just edited.
    const schemas = spawnSync(process.execPath, [...process.execArgv, path.join(ROOT, 'events/generate-schemas.ts')], { cwd: ROOT, stdio: 'inherit' });
    if (schemas.status !== 0) process.stderr.write('could not regenerate events/schemas/: run npm run events:schemas\n');
  }
  process.stdout.write(
    `\n${spec.name}: routes under /api/v1/${spec.name}, table ${spec.name}, functions ${spec.name}-{create,get,list,query,update,delete,bulk}.\n` +
      `next: npm run build && npx vitest run shared/${spec.name} test/e2e/${spec.name.replaceAll('_', '-')}-api.test.ts\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SpecError) {
      process.stderr.write(`new:entity: ${error.message}\n${USAGE}\n`);
      process.exit(1);
    }
    process.stderr.write(`new:entity: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
