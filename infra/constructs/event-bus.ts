import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { type Archive, EventBus as CdkEventBus } from 'aws-cdk-lib/aws-events';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { eventCatalog, type EventType } from '../../events/catalog.js';

/** Where the draft-04 JSON Schemas of the envelopes are generated (one `<type>.json` per event type). */
export const EVENT_SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../events/schemas');

/** The env var a publisher reads the bus name from. */
export const EVENT_BUS_NAME_ENV = 'EVENT_BUS_NAME';

export interface EventBusProps {
  /**
   * @default `records-<stack name>`
   */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps every event for replay.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * @default EVENT_SCHEMAS_DIR
   */
  readonly schemasDir?: string;
}

/** One registry entry: the EventBridge event of `type`, its `detail` being the envelope schema. */
export interface EventSchemaEntry {
  readonly type: EventType;
  /** `source@detail-type`, as EventBridge schema discovery names schemas. */
  readonly schemaName: string;
  /** The draft-04 JSON Schema of the whole event as EventBridge delivers it. */
  readonly content: Record<string, unknown>;
}

/**
 * The registry entries for every `<type>.json` in `dir`. A file whose type is not in the catalog
 * (or a catalog type without a file) is an error: the schemas are stale, rerun their generator.
 */
export function eventSchemaEntries(dir: string = EVENT_SCHEMAS_DIR): EventSchemaEntry[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
  const types = files.map((file) => file.slice(0, -'.json'.length));
  const catalogTypes = Object.keys(eventCatalog).sort();
  const unknown = types.filter((type) => !(type in eventCatalog));
  const missing = catalogTypes.filter((type) => !types.includes(type));
  if (unknown.length || missing.length) {
    throw new Error(`${dir} is out of date with events/catalog.ts (unknown: ${unknown.join(', ') || '-'}; missing: ${missing.join(', ') || '-'})`);
  }
  return files.map((file, index) => {
    const type = types[index] as EventType;
    const { $schema: _draft, ...envelope } = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    const source = eventCatalog[type].source;
    return {
      type,
      schemaName: `${source}@${type}`,
      content: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        title: type,
        description: eventCatalog[type].description,
        type: 'object',
        properties: {
          source: { type: 'string', enum: [source] },
          'detail-type': { type: 'string', enum: [type] },
          detail: envelope,
        },
        required: ['source', 'detail-type', 'detail'],
      },
    };
  });
}

/**
 * The custom bus of the saga, an archive of every event on it (replay after a consumer bug) and
 * a schema registry holding one JSONSchemaDraft4 schema per domain event, read from
 * events/schemas (generated from the zod catalog, so the registry cannot drift from the code).
 */
export class EventBus extends Construct {
  public readonly bus: CdkEventBus;
  public readonly archive: Archive;
  public readonly registry: CfnRegistry;
  /** By event type. */
  public readonly schemas: Readonly<Record<EventType, CfnSchema>>;

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = props.eventBusName ?? `records-${stack.stackName}`;
    this.bus = new CdkEventBus(this, 'Bus', { eventBusName: name, description: 'Domain events of the order saga (events/catalog.ts)' });
    this.archive = this.bus.archive('Archive', {
      archiveName: `${name}-all`.slice(0, 48),
      description: 'Every event on the bus, for replay',
      // Every event on this bus comes from this account (publishers hold events:PutEvents on it).
      eventPattern: { account: [stack.account] },
      retention: props.archiveRetention ?? Duration.days(30),
    });
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: name,
      description: 'JSON Schemas (draft-04) of the domain events, generated from events/catalog.ts',
    });
    const entries = eventSchemaEntries(props.schemasDir);
    this.schemas = Object.fromEntries(
      entries.map((entry) => {
        const schema = new CfnSchema(this, `Schema-${entry.type}`, {
          registryName: this.registry.attrRegistryName,
          schemaName: entry.schemaName,
          type: 'JSONSchemaDraft4',
          description: eventCatalog[entry.type].description,
          content: JSON.stringify(entry.content),
        });
        return [entry.type, schema];
      }),
    ) as Record<EventType, CfnSchema>;
  }

  public get eventBusName(): string {
    return this.bus.eventBusName;
  }

  /** events:PutEvents on this bus only; a Lambda also gets `EVENT_BUS_NAME`. */
  public grantPublish(grantee: IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
    if (grantee instanceof LambdaFunction) grantee.addEnvironment(EVENT_BUS_NAME_ENV, this.bus.eventBusName);
  }
}
