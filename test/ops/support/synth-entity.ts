import { type CfnElement, type NestedStack, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../../infra/build/bundle-functions.js';
import { createRecordsApp } from '../../../infra/stacks/records-app.js';

/**
 * `tsx test/ops/support/synth-entity.ts <entity>`: synthesizes the app of this checkout
 * in-process (as `npm run synth:count` does) and prints, as one JSON line, the resource,
 * parameter and output counts of every stack and what the template holds for the entity: its table, its route keys, and
 * per function its stack, environment and DynamoDB grants (on its table or the outbox table;
 * references resolved through nested-stack parameters). Assertions are the caller's.
 */
type Json = any;
const entity = process.argv[2]!;
const started = Date.now();
const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const { stack } = createRecordsApp({ context: { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false } });
const stacks: Stack[] = [stack, ...stack.node.findAll().filter((node): node is Stack => Stack.isStack(node) && node !== stack)];
const templates = new Map(stacks.map((each) => [each, Template.fromStack(each).toJSON() as Json]));

/** A value of a nested stack as its parent spells it: parameters replaced by what the parent passes in. */
function inParent(owner: Stack, value: unknown): unknown {
  const nested = owner as NestedStack;
  if (!nested.nestedStackResource) return value;
  const parent = Stack.of(nested.nestedStackResource);
  const logicalId = parent.resolve(nested.nestedStackResource.logicalId);
  const parameters = (templates.get(parent)?.Resources[logicalId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
  const swap = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(swap);
    if (node && typeof node === 'object') {
      const ref = (node as { Ref?: string }).Ref;
      if (ref !== undefined && ref in parameters) return inParent(parent, parameters[ref]);
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, swap(inner)]));
    }
    return node;
  };
  return swap(value);
}

/** The logical id of a construct's CloudFormation resource, in its own stack's template. */
const logicalIdOf = (construct: IConstruct): string => Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId);

const table = stack.tables.tables[entity];
const tableId = table ? logicalIdOf(table) : undefined;
const outbox = stack.tables.tables.outbox;
const outboxId = outbox ? logicalIdOf(outbox) : undefined;
const routeKeys = stacks.flatMap((each) =>
  Object.values(templates.get(each).Resources as Record<string, Json>)
    .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
    .map((resource) => resource.Properties.RouteKey as string)
    .filter((key) => key.split(' ')[1]?.startsWith(`/api/v1/${entity}`)),
);
const functions = stack.functions
  .filter((fn) => fn.declaration.id.startsWith(`${entity}-`))
  .map((fn) => {
    const owner = Stack.of(fn.function);
    const resources = templates.get(owner).Resources as Record<string, Json>;
    const roleId = logicalIdOf(fn.role);
    const functionId = logicalIdOf(fn.function);
    const statements = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId))
      .flatMap((resource) => resource.Properties.PolicyDocument.Statement as Json[]);
    const dynamodb = statements
      .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('dynamodb:')))
      .map((statement) => {
        const resource = JSON.stringify(inParent(owner, statement.Resource));
        return { actions: [statement.Action].flat(), onTable: resource.includes(`"${tableId}"`), onOutbox: resource.includes(`"${outboxId}"`) };
      });
    return {
      id: fn.declaration.id,
      stack: owner.node.path,
      environment: Object.keys(resources[functionId]?.Properties.Environment?.Variables ?? {}),
      dynamodb,
    };
  });
console.log(
  JSON.stringify({
    ms: Date.now() - started,
    stacks: stacks.map((each) => {
      const template = templates.get(each);
      const count = (section: string) => Object.keys(template[section] ?? {}).length;
      return { path: each.node.path, resources: count('Resources'), parameters: count('Parameters'), outputs: count('Outputs') };
    }),
    table: table && tableId ? { type: templates.get(Stack.of(table))?.Resources[tableId]?.Type } : null,
    routeKeys,
    functions,
  }),
);
