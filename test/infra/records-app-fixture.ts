import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll } from 'vitest';
import { bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { ServiceFunction } from '../../infra/constructs/service-function.js';
import { placementOf } from '../../infra/stacks/function-placement.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { entities, functions, importFunction, lambdas } from '../../shared/registry.js';
import { EXPORT_ACTIONS, EXPORTS_PREFIX } from '../../infra/constructs/imports-bucket.js';
import { lenient, type StackViews, stackViews } from './records-app-support.js';

/**
 * The prod app that records-app.test.ts, records-app-functions.test.ts and records-app-nag.test.ts
 * check, synthesized once per test file (`useProdApp()`), and the lookups in it they use.
 */

/** The stage these tests synthesize unless they say otherwise: prod retains data (test/infra/records-stages.test.ts covers dev). */
export const prod = { ...lenient, stage: 'prod' };

/** The app, its stack, the stack's template and the views of every stack of it: set by `useProdApp()`'s `beforeAll`. */
export let app: App;
export let stack: RecordsStack;
export let template: Template;
export let views: StackViews;

/** Registers the `beforeAll` that synthesizes the prod app (once per test file: a later call reuses it). */
export function useProdApp(): void {
  beforeAll(() => {
    if (stack) return;
    // The template depends on the bundles' existence, not their content; rebuilding present ones
    // would rewrite files that integration tests running in parallel may be importing.
    bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
    // A cdk-nag finding would otherwise abort synthesis here and skip every test; the nag tests
    // (records-app-nag.test.ts) report findings one by one instead, and check the strict synthesis separately.
    ({ app, stack } = createRecordsApp({ context: prod }));
    template = Template.fromStack(stack);
    views = stackViews(stack);
  });
}

/** The ServiceFunction of an HTTP function or of the import function, by declaration id. */
export function serviceFunction(id: string): ServiceFunction<LambdaDeclaration> {
  if (id === importFunction.id) return stack.importFunction;
  const found = stack.functions.find((fn) => fn.declaration.id === id);
  if (!found) throw new Error(`no ServiceFunction ${id}`);
  return found;
}

/** `{ Ref }` / `{ Fn::GetAtt }` of a construct attribute of the app stack, as its template spells it. */
export const ref = (token: string) => stack.resolve(token);
export const logicalIdOf = (token: string): string => {
  const resolved = ref(token);
  return resolved.Ref ?? resolved['Fn::GetAtt'][0];
};
/** The deployed console's domain as the app stack reads it: an output of the Console nested stack. */
export const consoleDomain = () => views.view(stack.console!).output(stack.console!.hosting.distribution.distributionDomainName);
/** The console's origin (`https://<distribution>`) as the app stack spells it. */
export const consoleOrigin = () => ({ 'Fn::Join': ['', ['https://', consoleDomain()]] });
/** The app stack's template resource a construct attribute points at. */
export const resourceOf = (type: string, token: string) => template.findResources(type)[logicalIdOf(token)];
/** The template of the stack a function lives in (the app stack's or a nested one), with its values in the app stack's terms. */
export const home = (fn: ServiceFunction<LambdaDeclaration>) => views.of(fn.function);
/** A function's resource properties with the parameters its (nested) stack receives replaced by the app stack's values. */
export const functionProps = (fn: ServiceFunction<LambdaDeclaration>) =>
  home(fn).inParent(home(fn).resourceOf('AWS::Lambda::Function', fn.function.functionArn)?.Properties) as Record<string, any>;
/** Every IAM policy statement of every stack (the app stack's and the nested ones), in the app stack's terms, with the stack it is in. */
export const allStatements = () =>
  views.all().flatMap((view) =>
    Object.values(view.template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((statement) => ({
        view,
        roles: policy.Properties.Roles as unknown[],
        statement,
      })),
    ),
  );

/** Whether the stack runs this declaration with Redis, in the VPC (see infra/stacks/function-placement.ts). */
const entityTables = new Set(entities.map((entity) => entity.name));
export const usesRedis = (declaration: LambdaDeclaration) => placementOf(declaration, entityTables) !== 'outside';

/** What Lambda needs to attach a function to a VPC, granted inline on "*". */
export const NETWORK_INTERFACE_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
];

const byId = functions.map((fn) => [fn.id, fn] as const);
/** The HTTP functions and the S3-triggered import function: everything built by ServiceFunction directly. */
export const withImport: (readonly [string, LambdaDeclaration])[] = [...byId, [importFunction.id, importFunction]];

/** `<action> <resource as JSON>`: one grant as grantsOf lists it. */
export function grant(action: string, resource: unknown): string {
  return `${action} ${JSON.stringify(resource)}`;
}

/** Every (action, resource) pair a function's role may use, sorted; grouping doesn't matter. */
export function grantsOf(fn: ServiceFunction<LambdaDeclaration>): string[] {
  const { template: owner, ref: ownRef, inParent } = views.of(fn.role);
  const policies = owner.findResources('AWS::IAM::Policy', { Properties: { Roles: [ownRef(fn.role.roleName)] } });
  return Object.values(policies)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
    .flatMap(({ Action, Resource }) => [Action].flat().flatMap((action) => [Resource].flat().map((resource) => grant(String(action), inParent(resource)))))
    .sort();
}

/** The object grants a declaration asks for in the imports bucket (its `buckets`, plus `exports/*` for large exports). */
export function declaredS3Grants(declaration: LambdaDeclaration): string[] {
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [ref(stack.importsBucket.bucket.bucketArn), `/${prefix}*`]] });
  return [
    ...(declaration.buckets ?? []).flatMap(({ actions, prefixes }) =>
      actions.flatMap((action) => prefixes.map((prefix) => grant(`s3:${action}`, objects(prefix)))),
    ),
    ...(declaration.largeExports ? EXPORT_ACTIONS.map((action) => grant(action, objects(EXPORTS_PREFIX))) : []),
  ];
}
