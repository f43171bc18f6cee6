import { entityDeclaration } from './entity-declaration.js';
import { camelCase, type EntitySpec, pascalCase, SpecError } from './entity-spec.js';
import { entityE2eTest, entityEventsTest, entityUnitTest } from './entity-tests.js';
import { CATALOG_FILE, entityEventsFile, eventsFileOf, registerEntityEvents, registerEventSamples, SAMPLES_FILE } from './entity-events.js';
import { functionEntries } from './function-entries.js';
import { bindsIdentifier, registerEntity, registerWriteMetrics } from './registration.js';

export const REGISTRY_FILE = 'shared/registry.ts';
export const CATALOGUE_FILE = 'shared/observability/metric-catalogue.ts';

/** What the repository holds today, as far as a new entity could collide with it. */
export interface Workspace {
  /** Text of a repository file (registry and catalogue). */
  read(file: string): string;
  exists(file: string): boolean;
  /** Registered entity names, table ids and route paths (from shared/registry.ts). */
  entities: readonly string[];
  tables: readonly string[];
  routes: readonly string[];
}

/** Every file to write, path relative to the repository root → full content. */
export type FilePlan = Record<string, string>;

/**
 * The files of a new entity: its declaration and unit test, its Lambda entry files, its e2e
 * test, and the registry and metric catalogue with it registered; with `--with-events` also
 * its event details (events/<name>.ts), their catalog entries and samples, and a DynamoDB
 * Local test of its outbox rows. Throws SpecError, before
 * anything is written, when the entity would collide with what exists.
 */
export function planNewEntity(spec: EntitySpec, workspace: Workspace): FilePlan {
  checkUnique(spec, workspace);
  const created: FilePlan = {
    [`shared/${spec.name}/${spec.name}.entity.ts`]: entityDeclaration(spec),
    [`shared/${spec.name}/${spec.name}.entity.test.ts`]: entityUnitTest(spec),
    ...functionEntries(spec),
    [`test/e2e/${spec.name.replaceAll('_', '-')}-api.test.ts`]: entityE2eTest(spec),
    ...(spec.events
      ? { [eventsFileOf(spec)]: entityEventsFile(spec), [`test/integration/${spec.name.replaceAll('_', '-')}-events.test.ts`]: entityEventsTest(spec) }
      : {}),
  };
  const clash = Object.keys(created).find((file) => workspace.exists(file));
  if (clash) throw new SpecError(`${clash} already exists: remove it or choose another name`);
  return {
    ...created,
    [REGISTRY_FILE]: registerEntity(workspace.read(REGISTRY_FILE), spec),
    [CATALOGUE_FILE]: registerWriteMetrics(workspace.read(CATALOGUE_FILE), spec),
    ...(spec.events
      ? { [CATALOG_FILE]: registerEntityEvents(workspace.read(CATALOG_FILE), spec), [SAMPLES_FILE]: registerEventSamples(workspace.read(SAMPLES_FILE), spec) }
      : {}),
  };
}

function checkUnique(spec: EntitySpec, workspace: Workspace): void {
  if (workspace.entities.includes(spec.name)) throw new SpecError(`entity '${spec.name}' already exists`);
  if (workspace.tables.includes(spec.name)) throw new SpecError(`a table '${spec.name}' already exists (shared/registry.ts tableDesigns)`);
  const collection = `/api/v1/${spec.name}`;
  const taken = workspace.routes.find((route) => route === collection || route.startsWith(`${collection}/`));
  if (taken) throw new SpecError(`the route ${taken} already exists: '${spec.name}' would share its path`);
  if (workspace.exists(`shared/${spec.name}`) || workspace.exists(`functions/${spec.name}`)) {
    throw new SpecError(`shared/${spec.name}/ or functions/${spec.name}/ already exists: choose another name`);
  }
  const identifier = camelCase(spec.name);
  if (bindsIdentifier(workspace.read(REGISTRY_FILE), identifier)) throw new SpecError(`shared/registry.ts already binds '${identifier}': choose another name`);
  const metric = `${pascalCase(spec.name)}Created`;
  if (new RegExp(`^\\s*${metric}:`, 'm').test(workspace.read(CATALOGUE_FILE)))
    throw new SpecError(`the metric ${metric} is already declared in ${CATALOGUE_FILE}`);
}
