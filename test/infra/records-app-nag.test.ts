import { type CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { ServiceFunction } from '../../infra/constructs/service-function.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import { type LambdaDeclaration, servedRoutes } from '../../shared/entity/entity-functions.js';
import { functions } from '../../shared/registry.js';
import { EXPORTS_PREFIX } from '../../infra/constructs/imports-bucket.js';
import { context } from './records-app-support.js';
import {
  allStatements,
  app,
  logicalIdOf,
  NETWORK_INTERFACE_ACTIONS,
  serviceFunction,
  stack,
  usesRedis,
  useProdApp,
  withImport,
} from './records-app-fixture.js';

/** The cdk-nag AwsSolutions pass over the prod app, and every acknowledgement it takes. */
useProdApp();

/** The imports bucket's ARN as cdk-nag prints it inside a nested stack: the parameter CDK passes in. */
const nestedBucketArn = () => `<referenceto${Names.uniqueId(stack.importsBucket.bucket.node.defaultChild!)}Arn>`;
/** The imports bucket's ARN as cdk-nag prints it in the acknowledgement of a role, wherever the role lives. */
const bucketArnSeenBy = (fn: ServiceFunction<LambdaDeclaration>) =>
  Stack.of(fn.role) === stack ? `<${logicalIdOf(stack.importsBucket.bucket.bucketArn)}.Arn>` : nestedBucketArn();

type ConsoleAckSite = 'logs' | 'distribution' | 'deployment-handler';
/** The Console nested stack's acknowledgements (infra/constructs/console-hosting.ts): site, rule (`<asset bucket>` / `<console bucket>` as cdk-nag prints them) and what its reason says. */
const CONSOLE_ACKS: readonly (readonly [ConsoleAckSite, string, RegExp])[] = [
  ['logs', 'AwsSolutions-S1', /receives the console bucket’s and the distribution’s access logs/],
  ['distribution', 'AwsSolutions-CFR1', /decided by sign-in \(Cognito, MFA\)/],
  ['distribution', 'AwsSolutions-CFR2', /WAF web ACL/],
  ['distribution', 'AwsSolutions-CFR4', /default \*\.cloudfront\.net certificate/],
  [
    'deployment-handler',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    /BucketDeployment handler .* managed basic execution policy/,
  ],
  ['deployment-handler', 'AwsSolutions-L1', /runtime is pinned by aws-cdk-lib/],
  ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
    (action) =>
      [
        'deployment-handler',
        `AwsSolutions-IAM5[Action::${action}]`,
        /reads the asset from the bootstrap bucket and replaces every object of the console bucket/,
      ] as const,
  ),
  ['deployment-handler', 'AwsSolutions-IAM5[Resource::<asset bucket>/*]', /reads the asset from the bootstrap bucket/],
  ['deployment-handler', 'AwsSolutions-IAM5[Resource::<console bucket>/*]', /reads the asset from the bootstrap bucket/],
  ['deployment-handler', 'AwsSolutions-IAM5[Resource::*]', /cloudfront:CreateInvalidation and GetInvalidation/],
];
const consoleAckId = (id: string) =>
  id
    .replace('<asset bucket>', 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>')
    .replace('<console bucket>', `<${stack.console!.getLogicalId(stack.console!.hosting.bucket.node.defaultChild as CfnElement)}.Arn>`);
const consolePath = (site: ConsoleAckSite) => {
  const hosting = stack.console!.hosting;
  if (site === 'logs') return hosting.logs.node.path;
  if (site === 'distribution') return hosting.distribution.node.path;
  return stack.console!.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))!.node.path;
};

describe('cdk-nag AwsSolutions', () => {
  const acknowledgments = () =>
    app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason })),
    );

  it('finds nothing that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });

  it('lets the app synthesize as `cdk synth` does: with the plugin registered and failing on errors', () => {
    const strict = createRecordsApp({ context });
    expect(() => strict.app.synth()).not.toThrow();
    expect(Annotations.fromStack(strict.stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only the reviewed rules, each with a specific reason', () => {
    // aws-cdk-lib acknowledges CloudFormation template checks on its own VPC constructs (literal AZs, flow log options).
    const acks = acknowledgments().filter((ack) => !ack.id.startsWith('CloudFormation-Validate::'));
    expect(new Set(acks.map((ack) => ack.id))).toEqual(
      new Set([
        'AwsSolutions-APIG4',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1',
        'AwsSolutions-SMG4',
        'AwsSolutions-S1',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        // In a nested stack (HTTP functions, consumers) the bucket ARN is the parameter the parent passes in.
        ...withImport.flatMap(([, declaration]) =>
          [...(declaration.buckets ?? []).flatMap((bucket) => bucket.prefixes), ...(declaration.largeExports ? [EXPORTS_PREFIX] : [])].map(
            (prefix) => `AwsSolutions-IAM5[Resource::${bucketArnSeenBy(serviceFunction(declaration.id))}/${prefix}*]`,
          ),
        ),
        ...stack.consumers
          .flatMap((fn) => (fn.declaration.buckets ?? []).flatMap((bucket) => bucket.prefixes))
          .map((prefix) => `AwsSolutions-IAM5[Resource::${nestedBucketArn()}/${prefix}*]`),
        // The Console nested stack's (next test): CloudFront and CDK's BucketDeployment handler.
        ...CONSOLE_ACKS.map(([, id]) => consoleAckId(id)),
      ]),
    );
    for (const ack of acks) expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
  });

  it('acknowledges in the Console stack exactly the hosting’s reviewed rules, each where it applies and why', () => {
    const consoleAcks = acknowledgments().filter((ack) => ack.path.startsWith(`${stack.console!.node.path}/`));
    const expected = CONSOLE_ACKS.map(([where, id]) => `${consolePath(where)} ${consoleAckId(id)}`);
    expect(consoleAcks.map((ack) => `${ack.path} ${ack.id}`).sort()).toEqual(expected.sort());
    for (const [where, id, reason] of CONSOLE_ACKS) {
      const ack = consoleAcks.find((found) => found.path === consolePath(where) && found.id === consoleAckId(id));
      expect(ack?.reason, `${where} ${id}`).toMatch(reason);
    }
  });

  it('acknowledges the missing authorizer on public routes only, one by one, never for the API as a whole', () => {
    const publicFns = functions.filter((fn) => fn.permission === 'public');
    const routes = publicFns.reduce((count, fn) => count + servedRoutes(fn).length + (fn.defaultRoute ? 1 : 0), 0);
    const apig4 = acknowledgments().filter((ack) => ack.id === 'AwsSolutions-APIG4');
    expect(apig4).toHaveLength(routes);
    expect(apig4.every((ack) => ack.path.startsWith(`${stack.api.api.node.path}/`) && ack.reason.includes('"public"'))).toBe(true);
  });

  it('acknowledges Resource "*" only where X-Ray, which has no resource-level permissions, is its sole use', () => {
    // Every stack's policies: most roles live in nested stacks.
    const statements = allStatements().map(({ statement }) => statement);
    const wildcard = statements.filter((statement) => [statement.Resource].flat().includes('*'));
    expect(wildcard.length).toBeGreaterThan(0);
    const actions = wildcard.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !action.startsWith('xray:') && !NETWORK_INTERFACE_ACTIONS.includes(action) && !action.startsWith('cloudfront:'))).toEqual(
      [],
    );
    // Besides: the invalidation of CDK's BucketDeployment handler (CloudFront has no resource-level invalidation ARN in aws-cdk-lib's grant), in the Console stack only.
    const invalidations = allStatements().filter(
      ({ statement }) => [statement.Resource].flat().includes('*') && [statement.Action].flat().some((action) => action.startsWith('cloudfront:')),
    );
    expect(invalidations.map(({ view, statement }) => `${view.stack.node.path} ${[statement.Action].flat().sort().join(',')}`)).toEqual([
      `${stack.console!.node.path} cloudfront:CreateInvalidation,cloudfront:GetInvalidation`,
    ]);
  });

  it('acknowledges prefix-scoped object ARNs only on roles that hold them, with the prefix reason', () => {
    const bucketId = logicalIdOf(stack.importsBucket.bucket.bucketArn);
    // In a nested stack (the Consumers) the bucket ARN is the parameter the parent passes in.
    const prefixed = acknowledgments().filter(
      (ack) => ack.id.startsWith(`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/`) || ack.id.startsWith(`AwsSolutions-IAM5[Resource::${nestedBucketArn()}/`),
    );
    expect(prefixed.length).toBeGreaterThan(0);
    for (const ack of prefixed) expect(ack.reason).toBe('object-level actions scoped to the declared key prefix');
    const holders = [...withImport.map(([id]) => serviceFunction(id)), ...stack.consumers];
    const expected = holders.flatMap(({ declaration, role }) =>
      [...new Set([...(declaration.buckets ?? []).flatMap((bucket) => bucket.prefixes), ...(declaration.largeExports ? [EXPORTS_PREFIX] : [])])].map(
        (prefix) => `${role.node.path} ${prefix}`,
      ),
    );
    const actual = prefixed.map((ack) => `${ack.path} ${ack.id.slice(ack.id.indexOf('/') + 1, -2)}`);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('acknowledges S1 only on the two access-log buckets and IAM4 only on CDK’s notifications and BucketDeployment handlers', () => {
    const at = (id: string) =>
      acknowledgments()
        .filter((ack) => ack.id === id)
        .map((ack) => ack.path)
        .sort();
    expect(at('AwsSolutions-S1')).toEqual([stack.importsBucket.accessLogs.node.path, stack.console!.hosting.logs.node.path].sort());
    expect(at('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]')).toEqual([
      expect.stringMatching(/^RecordsPlatform-prod\/BucketNotificationsHandler[0-9a-f]+$/),
      expect.stringMatching(/^RecordsPlatform-prod\/Console\/Custom::CDKBucketDeployment[0-9A-Fa-f]+\d+MiB$/),
    ]);
  });

  it('explains the network-interface wildcard on exactly the roles of functions in the VPC', () => {
    const vpcRoles = [stack.authorizer.function, ...stack.functions, stack.importFunction, stack.outboxPublisher, ...stack.consumers]
      .filter((fn) => usesRedis(fn.declaration))
      .map((fn) => fn.role.node.path);
    const explained = acknowledgments()
      .filter((ack) => ack.id === 'AwsSolutions-IAM5[Resource::*]' && ack.reason.includes('network-interface'))
      .map((ack) => ack.path);
    expect(explained.sort()).toEqual(vpcRoles.sort());
  });
});
