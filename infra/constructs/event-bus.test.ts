import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventCatalog } from '../../events/catalog.js';
import { EVENT_SCHEMAS_DIR, EventBus, eventSchemaEntries } from './event-bus.js';

function synth(props: ConstructorParameters<typeof EventBus>[2] = {}) {
  const stack = new Stack(new App(), 'Test');
  const eventBus = new EventBus(stack, 'Events', props);
  return { stack, eventBus, template: Template.fromStack(stack) };
}

describe('EventBus', () => {
  it('creates the custom bus records-<stack>', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'records-Test' });
  });

  it('archives every event of the account on the bus, 30 days by default or as told', () => {
    const { stack, eventBus, template } = synth();
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: stack.resolve(eventBus.bus.eventBusArn),
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
      RetentionDays: 30,
    });
    synth({ archiveRetention: Duration.days(7) }).template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 7 });
  });

  it('registers one JSONSchemaDraft4 schema per events/schemas file, in its own registry', () => {
    const { stack, eventBus, template } = synth();
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'records-Test' });
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema'));
    expect(schemas).toHaveLength(EVENT_TYPES.length);
    expect(schemas.map((schema) => schema.Properties.SchemaName).sort()).toEqual(EVENT_TYPES.map((type) => `${eventCatalog[type].source}@${type}`).sort());
    for (const schema of schemas) {
      expect(schema.Properties.Type).toBe('JSONSchemaDraft4');
      // What the Schemas API accepts in a name.
      expect(schema.Properties.SchemaName).toMatch(/^[a-zA-Z0-9\-_.@]{1,385}$/);
      expect(schema.Properties.RegistryName).toEqual(stack.resolve(eventBus.registry.attrRegistryName));
    }
  });

  it.each(EVENT_TYPES)('the %s schema is the event EventBridge delivers, its detail the generated envelope schema', (type) => {
    const { template } = synth();
    const schema = Object.values(template.findResources('AWS::EventSchemas::Schema')).find(
      (resource) => resource.Properties.SchemaName === `${eventCatalog[type].source}@${type}`,
    );
    const content = JSON.parse(schema?.Properties.Content);
    const { $schema, ...envelope } = JSON.parse(readFileSync(path.join(EVENT_SCHEMAS_DIR, `${type}.json`), 'utf8'));
    expect($schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(content).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: {
        source: { enum: [eventCatalog[type].source] },
        'detail-type': { enum: [type] },
        detail: envelope,
      },
      required: ['source', 'detail-type', 'detail'],
    });
    expect(content.properties.detail.properties.type).toBeDefined();
  });

  it('refuses schema files out of step with the catalog', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    for (const type of EVENT_TYPES.slice(1)) writeFileSync(path.join(dir, `${type}.json`), '{}');
    expect(() => eventSchemaEntries(dir)).toThrow(new RegExp(`missing: ${EVENT_TYPES[0]}`));
    writeFileSync(path.join(dir, `${EVENT_TYPES[0]}.json`), '{}');
    writeFileSync(path.join(dir, 'order.shipped.json'), '{}');
    expect(() => eventSchemaEntries(dir)).toThrow(/unknown: order\.shipped/);
  });

  it('grantPublish allows events:PutEvents on this bus only and passes its name', () => {
    const stack = new Stack(new App(), 'Test');
    const eventBus = new EventBus(stack, 'Events');
    const fn = new LambdaFunction(stack, 'Publisher', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => {};'),
    });
    eventBus.grantPublish(fn);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: stack.resolve(eventBus.bus.eventBusArn) }] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { EVENT_BUS_NAME: stack.resolve(eventBus.bus.eventBusName) } },
    });
    template.resourcePropertiesCountIs('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: '*' })]) } }, 0);
  });
});
