import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import { lambdas } from '../../shared/registry.js';
import { stackViews } from './records-app-support.js';

/** The feature flags `cdk synth` uses; findings are reported by records-app-nag.test.ts, not thrown here. */
const context = {
  ...(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>),
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/** Resource types whose name must be unique in an account and region, and the property naming them. */
const ACCOUNT_UNIQUE_NAMES: Record<string, string> = {
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SSM::Parameter': 'Name',
  'AWS::AppConfig::Application': 'Name',
  'AWS::AppConfig::DeploymentStrategy': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::Events::Rule': 'Name',
  'AWS::EventSchemas::Registry': 'RegistryName',
  'AWS::ElastiCache::ServerlessCache': 'ServerlessCacheName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Lambda::LayerVersion': 'LayerName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::Cognito::UserPool': 'UserPoolName',
  'AWS::ApiGatewayV2::Api': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::EC2::SecurityGroup': 'GroupName',
};

interface Synthesized {
  stack: RecordsStack;
  templates: Template[];
}

function synth(extra: Record<string, unknown>): Synthesized {
  const { stack } = createRecordsApp({ context: { ...context, ...extra } });
  // The app stack first and Monitoring second (tests index them), then every other nested stack: Consumers, the HTTP functions' and the Console's.
  const scopes = [stack, stack.monitoring, stack.consumersStack, ...Object.values(stack.functionStacks), ...(stack.console ? [stack.console] : [])];
  return { stack, templates: scopes.map((scope) => Template.fromStack(scope as Stack)) };
}

/** A name built from another resource's generated name (`/aws/lambda/<function>`) is as unique as that one. */
const refersToOwnResource = (name: unknown) => /"Ref":"(?!AWS::)[^"]+"/.test(JSON.stringify(name));

/** Every explicit account-unique name of a stage, as `<type> <name>`. */
function explicitNames({ templates }: Synthesized): string[] {
  return templates.flatMap((template) =>
    Object.entries(ACCOUNT_UNIQUE_NAMES).flatMap(([type, property]) =>
      Object.values(template.findResources(type))
        .map((resource) => resource.Properties?.[property])
        .filter((name) => name !== undefined && !refersToOwnResource(name))
        .map((name) => `${type} ${JSON.stringify(name)}`),
    ),
  );
}

const functionsOf = (stack: RecordsStack) => [stack.authorizer.function, ...stack.functions, stack.importFunction, stack.outboxPublisher, ...stack.consumers];
/** The environment of a function, from the template of the (nested) stack it lives in. */
const variablesOf = (_synthesized: Synthesized, fn: { function: LambdaFunction }) => {
  const home = Stack.of(fn.function);
  const logicalId = home.getLogicalId(fn.function.node.defaultChild as CfnElement);
  return Template.fromStack(home).findResources('AWS::Lambda::Function')[logicalId]?.Properties.Environment.Variables as Record<string, unknown>;
};
const deletionPolicies = ({ templates }: Synthesized, type: string) =>
  new Set(templates.flatMap((template) => Object.values(template.findResources(type)).map((resource) => resource.DeletionPolicy)));

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  dev = synth({});
  prod = synth({
    stage: 'prod',
    allowedOrigins: 'https://records.example.com',
    consoleOrigin: 'https://console.records.example.com',
    alarmEmail: 'oncall@example.com',
  });
});

describe('stages', () => {
  it('names the stack RecordsPlatform-<stage>, dev by default, and protects every stage but dev from termination', () => {
    expect(dev.stack.stackName).toBe('RecordsPlatform-dev');
    expect(prod.stack.stackName).toBe('RecordsPlatform-prod');
    expect(dev.stack.terminationProtection).toBe(false);
    expect(prod.stack.terminationProtection).toBe(true);
    expect(synth({ stage: 'staging' }).stack.terminationProtection).toBe(true);
  });

  it('lets two stages share an account: no explicit account-unique name of one is used by the other', () => {
    const devNames = explicitNames(dev);
    const prodNames = new Set(explicitNames(prod));
    // Some names are explicit (the bus, its archive, the schema registry, the cache): they must carry the stage.
    expect(devNames.length).toBeGreaterThan(0);
    expect(devNames.filter((name) => prodNames.has(name))).toEqual([]);
  });

  it('keeps cache and rate-limit keys of two stages apart in a Redis they share (revocations live in each stage’s own table)', () => {
    const shared = { redisUrl: 'rediss://shared.example:6379' };
    const [a, b] = [synth({ ...shared }), synth({ ...shared, stage: 'prod' })];
    const prefixes = (synthesized: Synthesized) => {
      const values = functionsOf(synthesized.stack).map((fn) => variablesOf(synthesized, fn));
      return ['CACHE_KEY_PREFIX', 'RATE_LIMIT_KEY_PREFIX'].map((name) => new Set(values.map((variables) => variables[name]).filter(Boolean)));
    };
    const [ofA, ofB] = [prefixes(a), prefixes(b)];
    for (const [index, name] of ['CACHE_KEY_PREFIX', 'RATE_LIMIT_KEY_PREFIX'].entries()) {
      expect(ofA[index]!.size, name).toBe(1);
      expect([...ofA[index]!][0], name).toContain('RecordsPlatform-dev:');
      expect([...ofB[index]!][0], name).toContain('RecordsPlatform-prod:');
    }
  });

  it('emits, alarms on and charts the metrics of its own namespace only', () => {
    for (const [synthesized, namespace] of [
      [dev, 'RecordsPlatform/dev'],
      [prod, 'RecordsPlatform/prod'],
    ] as const) {
      for (const fn of functionsOf(synthesized.stack)) expect(variablesOf(synthesized, fn).POWERTOOLS_METRICS_NAMESPACE, fn.declaration.id).toBe(namespace);
      const monitoring = JSON.stringify(synthesized.templates[1]!.toJSON());
      expect(monitoring).toContain(`SCHEMA(\\"${namespace}\\"`);
      expect(monitoring).not.toMatch(/SCHEMA\(\\"RecordsPlatform\\"/);
    }
  });

  it('tags its resources with the app and the stage', () => {
    for (const [synthesized, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const expected = expect.arrayContaining([
        { Key: 'app', Value: 'records-platform' },
        { Key: 'stage', Value: stage },
      ]);
      for (const type of ['AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::S3::Bucket']) {
        // Every stack's: the HTTP functions and the consumers live in nested stacks.
        const tagged = synthesized.templates.flatMap((template) => Object.values(template.findResources(type))).filter((resource) => resource.Properties.Tags);
        expect(tagged.length, type).toBeGreaterThan(0);
        for (const resource of tagged) expect(resource.Properties.Tags, type).toEqual(expected);
      }
    }
  });
});

describe('removal policies and log retention', () => {
  const DATA = [
    'AWS::DynamoDB::GlobalTable',
    'AWS::Logs::LogGroup',
    'AWS::SecretsManager::Secret',
    'AWS::SQS::Queue',
    'AWS::S3::Bucket',
    'AWS::Cognito::UserPool',
  ];

  it('dev destroys data, logs and buckets (emptied first), and leaves tables and the user pool unprotected', () => {
    for (const type of DATA) expect(deletionPolicies(dev, type), type).toEqual(new Set(['Delete']));
    const buckets = Object.keys(dev.templates[0]!.findResources('AWS::S3::Bucket'));
    const emptied = Object.values(dev.templates[0]!.findResources('Custom::S3AutoDeleteObjects')).map((resource) => resource.Properties.BucketName.Ref);
    expect(emptied.sort()).toEqual(buckets.sort());
    for (const table of Object.values(dev.templates[0]!.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    }
  });

  it('prod retains data, logs and buckets, protects tables and the user pool, and empties nothing', () => {
    for (const type of DATA) expect(deletionPolicies(prod, type), type).toEqual(new Set(['Retain']));
    prod.templates[0]!.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    for (const table of Object.values(prod.templates[0]!.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
    prod.templates[0]!.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('-c removalPolicy overrides the stage default both ways', () => {
    expect(deletionPolicies(synth({ removalPolicy: 'retain' }), 'AWS::DynamoDB::GlobalTable')).toEqual(new Set(['Retain']));
    expect(deletionPolicies(synth({ stage: 'pr-7', removalPolicy: 'destroy' }), 'AWS::DynamoDB::GlobalTable')).toEqual(new Set(['Delete']));
  });

  it('gives every log group of the stage its retention: a week in dev, three months elsewhere (custom-resource ones included)', () => {
    for (const [synthesized, days] of [
      [dev, 7],
      [prod, 90],
    ] as const) {
      const groups = synthesized.templates.flatMap((template) => Object.values(template.findResources('AWS::Logs::LogGroup')));
      expect(groups.length).toBeGreaterThan(functionsOf(synthesized.stack).length);
      expect(new Set(groups.map((group) => group.Properties.RetentionInDays))).toEqual(new Set([days]));
    }
  });
});

describe('CORS origins', () => {
  /** A function's CORS_ALLOWED_ORIGINS in the app stack's terms (the console's origin reaches the nested stack as a parameter). */
  const originsOf = ({ stack }: Synthesized, fn: RecordsStack['functions'][number]) =>
    stackViews(stack)
      .of(fn.function)
      .inParent(variablesOf({ stack, templates: [] }, fn).CORS_ALLOWED_ORIGINS);
  /** The deployed console's domain as the app stack reads it: an output of the Console nested stack. */
  const consoleDomainOf = ({ stack }: Synthesized) => stackViews(stack).view(stack.console!).output(stack.console!.hosting.distribution.distributionDomainName);

  it('gives allowedOrigins plus the console origin, then the deployed console’s, to every HTTP function, the $default fallback included', () => {
    const fallback = prod.stack.functions.find((fn) => fn.declaration.defaultRoute);
    expect(fallback).toBeDefined();
    const expected = { 'Fn::Join': ['', ['https://records.example.com,https://console.records.example.com,https://', consoleDomainOf(prod)]] };
    for (const fn of prod.stack.functions) expect(originsOf(prod, fn), fn.declaration.id).toEqual(expected);
  });

  it('admits only the deployed console without the context', () => {
    const expected = { 'Fn::Join': ['', ['https://', consoleDomainOf(dev)]] };
    for (const fn of dev.stack.functions) expect(originsOf(dev, fn), fn.declaration.id).toEqual(expected);
  });

  it('sets no origin without the context and with -c console=false: browsers are refused rather than all admitted', () => {
    const headless = synth({ console: 'false' });
    expect(headless.stack.console).toBeUndefined();
    for (const fn of headless.stack.functions) expect(variablesOf(headless, fn).CORS_ALLOWED_ORIGINS, fn.declaration.id).toBeUndefined();
    expect(() => synth({ console: 'no' })).toThrow(/context console must be true or false/);
  });

  it('refuses * and plain HTTP outside dev, and anything that is not an origin', () => {
    expect(() => synth({ stage: 'prod', allowedOrigins: '*' })).toThrow(/'\*' is refused for stage 'prod'/);
    expect(() => synth({ stage: 'prod', allowedOrigins: 'http://records.example.com' })).toThrow(/not HTTPS/);
    expect(() => synth({ allowedOrigins: 'https://records.example.com/app' })).toThrow(/is not an origin/);
    expect(() => synth({ stage: 'Prod' })).toThrow(/context stage must match/);
    expect(() => synth({ throttleRateLimit: 'fast' })).toThrow(/throttleRateLimit must be a positive number/);
  });
});

describe('custom domain', () => {
  const domain = {
    domainName: 'api.records.example.com',
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab',
  };

  it('maps the domain to the API, admits it in every HTTP function’s ALLOWED_HOSTS and outputs the DNS target', () => {
    const synthesized = synth({ stage: 'prod', ...domain });
    const template = synthesized.templates[0]!;
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.records.example.com',
      DomainNameConfigurations: [{ CertificateArn: domain.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasOutput('ApiDomainTarget', {});
    // The console calls the API by its domain (CSP connect-src; config.json's apiBaseUrl is the same value).
    const consolePolicies = Template.fromStack(synthesized.stack.console!).findResources('AWS::CloudFront::ResponseHeadersPolicy');
    expect(JSON.stringify(consolePolicies)).toContain('https://api.records.example.com');
    expect(JSON.stringify(consolePolicies)).not.toContain('execute-api');
    for (const fn of synthesized.stack.functions) {
      expect(synthesized.stack.resolve(variablesOf(synthesized, fn).ALLOWED_HOSTS), fn.declaration.id).toEqual({
        'Fn::Join': ['', ['*.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, ',api.records.example.com']],
      });
    }
  });

  it('creates no domain without the context, and refuses half of it or a malformed one', () => {
    dev.templates[0]!.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(() => synth({ domainName: domain.domainName })).toThrow(/domainName and certificateArn go together/);
    expect(() => synth({ ...domain, domainName: 'https://api.example.com' })).toThrow(/is not a host name/);
    expect(() => synth({ ...domain, certificateArn: 'arn:aws:iam::123456789012:role/x' })).toThrow(/not an ACM certificate ARN/);
  });
});

describe('throttles and alarms per stage', () => {
  it('throttles the stage as the context says and keeps the per-route throttles of the registry', () => {
    const template = synth({ stage: 'prod', throttleRateLimit: '50', throttleBurstLimit: '80' }).templates[0]!;
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage!.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 });
    expect(stage!.Properties.RouteSettings['POST /api/v1/students/query']).toMatchObject({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(stage!.Properties.RouteSettings['POST /api/v1/students/bulk-import']).toMatchObject({ ThrottlingRateLimit: 1, ThrottlingBurstLimit: 5 });
  });

  it('subscribes the stage’s alarm e-mail only', () => {
    prod.templates[0]!.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    dev.templates[0]!.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
