import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import { CATALOGUE_ALARMS } from '../../infra/constructs/observability.js';
import type { ServiceFunction } from '../../infra/constructs/service-function.js';
import { placementOf } from '../../infra/stacks/function-placement.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { authorizer, entities, eventConsumers, functions, jwksCopier, lambdas } from '../../shared/registry.js';
import { type StackViews, stackViews } from './records-app-support.js';

/**
 * The stack's network, cache and alarms as `cdk synth` produces them; routes, grants, tables
 * and the cdk-nag pass (which covers these resources too) are in records-app.test.ts,
 * records-app-functions.test.ts and records-app-nag.test.ts.
 */
const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const lenient = { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false };

let stack: RecordsStack;
let template: Template;
let views: StackViews;

beforeAll(() => {
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  ({ stack } = createRecordsApp({ context: lenient }));
  template = Template.fromStack(stack);
  views = stackViews(stack);
});

const ref = (token: string) => stack.resolve(token);
const logicalIdOf = (token: string): string => {
  const resolved = ref(token);
  return resolved.Ref ?? resolved['Fn::GetAtt'][0];
};
/** A function's properties in the app stack's terms, from the template of the (nested) stack it lives in. */
const functionProps = (fn: ServiceFunction<LambdaDeclaration>) => {
  const home = views.of(fn.function);
  return home.inParent(home.resourceOf('AWS::Lambda::Function', fn.function.functionArn)?.Properties) as Record<string, any>;
};
const entityTables = new Set(entities.map((entity) => entity.name));
const usesRedis = (declaration: LambdaDeclaration) => placementOf(declaration, entityTables) !== 'outside';

function serviceFunction(id: string): ServiceFunction<LambdaDeclaration> {
  if (id === authorizer.id) return stack.authorizer.function;
  if (id === stack.importFunction.declaration.id) return stack.importFunction;
  const found = stack.functions.find((fn) => fn.declaration.id === id);
  if (!found) throw new Error(`no ServiceFunction ${id}`);
  return found;
}

describe('network and cache', () => {
  // Event consumers live in the Consumers nested stack: records-app-functions.test.ts checks their placement.
  const inVpc = lambdas
    .filter((declaration) => usesRedis(declaration) && !eventConsumers.includes(declaration))
    .map((declaration) => [declaration.id, declaration] as const);
  const subnetIds = (subnets: readonly { subnetId: string }[]) => subnets.map((subnet) => ref(subnet.subnetId));

  it('has an ElastiCache Serverless cache with engine valkey in the isolated subnets', () => {
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      SubnetIds: subnetIds(stack.network!.vpc.isolatedSubnets),
      SecurityGroupIds: [ref(stack.cache!.securityGroup.securityGroupId)],
    });
  });

  it('admits Valkey traffic (6379) to the cache only from the functions’ security group', () => {
    const cacheGroup = ref(stack.cache!.securityGroup.securityGroupId);
    const toCache = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((rule) => rule.Properties)
      .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(cacheGroup));
    expect(toCache).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: ref(stack.network!.functionsSecurityGroup.securityGroupId),
      }),
    ]);
    const inline = template.findResources('AWS::EC2::SecurityGroup')[logicalIdOf(stack.cache!.securityGroup.securityGroupId)];
    expect(inline?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('lets no security group admit traffic from an address range', () => {
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groups.flatMap((group) => group.Properties.SecurityGroupIngress ?? [])).toEqual([]);
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => rule.Properties);
    expect(rules.filter((rule) => rule.CidrIp || rule.CidrIpv6)).toEqual([]);
  });

  it.each(inVpc)('%s runs in the VPC with the functions’ security group and REDIS_URL of the stack’s cache', (id, _declaration) => {
    const props = functionProps(serviceFunction(id));
    expect(props.VpcConfig).toEqual({
      SubnetIds: subnetIds(stack.network!.vpc.isolatedSubnets),
      SecurityGroupIds: [ref(stack.network!.functionsSecurityGroup.securityGroupId)],
    });
    expect(props.Environment.Variables.REDIS_URL).toEqual(ref(stack.cache!.url));
    expect(JSON.stringify(props.Environment.Variables.REDIS_URL)).toContain('rediss://');
    expect(props.Environment.Variables.REDIS_CLUSTER).toBe('1'); // ElastiCache Serverless is cluster-mode
  });

  it('runs the functions the cache issue names in the VPC: entity functions, health, admin, the authorizer', () => {
    const named = [...functions.filter((fn) => fn.operation || fn.id === 'system-health' || fn.permission === 'admin'), authorizer];
    expect(named.filter((declaration) => !usesRedis(declaration)).map((declaration) => declaration.id)).toEqual([]);
  });

  it('has no NAT gateway, internet gateway or egress subnet: no function has a route to the internet', () => {
    for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::EC2::EIP']) template.resourceCountIs(type, 0);
    expect(stack.network!.vpc.privateSubnets).toEqual([]);
    expect(stack.network!.vpc.publicSubnets).toEqual([]);
    expect(stack.network!.withInternetEgress).toBeUndefined();
    // Gateway endpoint routes are not AWS::EC2::Route resources: any Route would be a way out.
    template.resourceCountIs('AWS::EC2::Route', 0);
  });

  describe('JWKS copy (no NAT for the authorizer)', () => {
    const secretArn = () => ref(stack.jwksCopy.secret.secretArn);
    const secretStatements = (fn: ServiceFunction<LambdaDeclaration>) => {
      const home = views.of(fn.role);
      const policies = home.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [home.ref(fn.role.roleName)] } });
      return Object.values(policies)
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')))
        .map((statement) => ({ actions: [statement.Action].flat().sort(), resources: [statement.Resource].flat().map((resource) => home.inParent(resource)) }));
    };

    it('runs the copier outside the VPC with Get/PutSecretValue on the JWKS secret only, and the Cognito JWKS URL', () => {
      const copier = stack.jwksCopy.copier;
      expect(copier.declaration).toBe(jwksCopier);
      const props = functionProps(copier);
      expect(props.VpcConfig).toBeUndefined();
      expect(props.Environment.Variables.AUTH_JWKS_SECRET_ARN).toEqual(secretArn());
      expect(JSON.stringify(props.Environment.Variables.JWKS_SOURCE_URL)).toContain('/.well-known/jwks.json');
      expect(JSON.stringify(props.Environment.Variables.JWKS_SOURCE_URL)).toContain(logicalIdOf(stack.identityProvider.userPool.userPoolId));
      expect(secretStatements(copier)).toEqual([{ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: [secretArn()] }]);
    });

    it('lets the authorizer only read that secret, and no other function touch it', () => {
      expect(secretStatements(stack.authorizer.function)).toEqual([{ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn()] }]);
      for (const fn of [...stack.functions, stack.importFunction, stack.outboxPublisher, ...stack.consumers]) {
        expect(JSON.stringify(secretStatements(fn)), fn.declaration.id).not.toContain(JSON.stringify(secretArn()));
      }
    });

    it('runs the copier every 5 minutes and alarms after 3 failed runs in a row', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: ref(stack.jwksCopy.copier.function.functionArn) })],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: ref(stack.jwksCopy.copier.function.functionName) }],
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        AlarmActions: [ref(stack.alarmTopic.topic.topicArn)],
      });
    });
  });

  it('reaches DynamoDB and S3 through gateway endpoints, Secrets Manager, AppConfig and SQS through interface endpoints', () => {
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) => endpoint.Properties);
    const services = endpoints.map((endpoint) => `${endpoint.VpcEndpointType} ${JSON.stringify(endpoint.ServiceName).match(/\.(\w+)"\]\]\}$/)?.[1]}`);
    expect(services.sort()).toEqual(['Gateway dynamodb', 'Gateway s3', 'Interface appconfigdata', 'Interface secretsmanager', 'Interface sqs']);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  });

  it('logs the VPC’s flows to CloudWatch', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: ref(stack.network!.vpc.vpcId), LogDestinationType: 'cloud-watch-logs' });
  });

  it('alarms when a function fails open: cache, rate limiter, revocation list', () => {
    // The other alarms (API, functions, tables, DLQs) are checked in infra/constructs/observability.test.ts and event-queues.test.ts.
    const expressions = Object.values(Template.fromStack(stack.monitoring).findResources('AWS::CloudWatch::Alarm'))
      .flatMap((alarm) => (alarm.Properties.Metrics ?? []) as { Expression?: string }[])
      .map((metric) => metric.Expression)
      .filter((expression): expression is string => expression?.startsWith('SELECT') ?? false);
    expect(expressions.sort()).toEqual(CATALOGUE_ALARMS.map((entry) => `SELECT SUM(${entry.name}) FROM SCHEMA("RecordsPlatform/dev", service)`).sort());
    expect(CATALOGUE_ALARMS.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['CacheUnavailable', 'RateLimitLocalFallback', 'RevocationCheckFailedOpen', 'RevocationCheckFailedClosed']),
    );
  });

  it('with -c redisUrl uses that Redis, and creates no VPC, NAT or cache', () => {
    const own = createRecordsApp({ context: { ...lenient, redisUrl: 'rediss://own-redis.example:6379' } }).stack;
    const ownViews = stackViews(own);
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::ElastiCache::ServerlessCache', 'AWS::EC2::VPCEndpoint']) {
      for (const view of ownViews.all()) view.template.resourceCountIs(type, 0);
    }
    for (const fn of [own.authorizer.function, ...own.functions, own.importFunction]) {
      const props = ownViews.of(fn.function).resourceOf('AWS::Lambda::Function', fn.function.functionArn)?.Properties;
      expect(props.VpcConfig, fn.declaration.id).toBeUndefined();
      expect(props.Environment.Variables.REDIS_URL, fn.declaration.id).toBe('rediss://own-redis.example:6379');
      expect(props.Environment.Variables.REDIS_CLUSTER, fn.declaration.id).toBeUndefined();
    }
  });
});
