import { Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionStackOf } from '../../infra/stacks/function-stacks.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import { servedRoutes } from '../../shared/entity/entity-functions.js';
import { authorizer, entities, eventConsumers, functions, importFunction, jwksCopier, outboxPublisher, tableDesigns } from '../../shared/registry.js';
import { importTriggerFilters } from '../../shared/import/import-trigger.js';
import { context, lenient, sizeOf, stackViews } from './records-app-support.js';
import {
  consoleDomain,
  consoleOrigin,
  functionProps,
  home,
  prod,
  ref,
  resourceOf,
  serviceFunction,
  stack,
  template,
  useProdApp,
  views,
} from './records-app-fixture.js';

/**
 * The prod app's routes, buckets, tables, alarms, console and stack layout as `cdk synth` produces them;
 * what each function runs with and may do is in records-app-functions.test.ts, the cdk-nag pass in
 * records-app-nag.test.ts (the prod app they share: records-app-fixture.ts).
 */
useProdApp();

/** The S3 bucket of another synthesized app stack a bucket attribute points at. */
const resourceOfIn = (other: Template, otherStack: Stack, token: string) => {
  const resolved = otherStack.resolve(token);
  return other.findResources('AWS::S3::Bucket')[resolved.Ref ?? resolved['Fn::GetAtt'][0]];
};

describe('routes', () => {
  const declared = functions.flatMap((fn) => [
    ...servedRoutes(fn).map((route) => ({ fn, routeKey: `${route.method} ${route.path}` })),
    ...(fn.defaultRoute ? [{ fn, routeKey: '$default' }] : []),
  ]);

  it('exist exactly as the registry declares them', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const routeKeys = routes.map((route) => route.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(declared.map((route) => route.routeKey).sort());
  });

  const routeTargets = declared.map(({ fn, routeKey }) => [routeKey, fn.id]);

  it.each(routeTargets)('%s invokes %s and no other function', (routeKey, id) => {
    const integrationId = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId.asString()];
    expect(integration?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      // The function lives in a nested stack: the API reads its ARN from that stack's outputs.
      IntegrationUri: home(serviceFunction(id)).output(serviceFunction(id).function.functionArn),
    });
  });
});

describe('imports bucket', () => {
  it('starts the import function for every object created under imports/ with a declared suffix', () => {
    const [notifications, ...more] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(more).toEqual([]);
    expect(notifications?.Properties.BucketName).toEqual(ref(stack.importsBucket.bucket.bucketName));
    const configurations = notifications?.Properties.NotificationConfiguration.LambdaFunctionConfigurations as {
      Events: string[];
      LambdaFunctionArn: unknown;
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
    }[];
    expect(configurations.map((configuration) => configuration.LambdaFunctionArn)).toEqual(
      importTriggerFilters().map(() => ref(stack.importFunction.function.functionArn)),
    );
    expect(configurations.map((configuration) => configuration.Events)).toEqual(importTriggerFilters().map(() => ['s3:ObjectCreated:*']));
    const filters = configurations.map(({ Filter }) => Object.fromEntries(Filter.Key.FilterRules.map((rule) => [rule.Name, rule.Value])));
    expect(filters).toEqual(importTriggerFilters().map(({ prefix, suffix }) => ({ prefix, suffix })));
    expect(filters.map((filter) => filter.suffix)).toEqual(['.csv', '.xlsx']);
    expect(new Set(filters.map((filter) => filter.prefix))).toEqual(new Set(['imports/']));
  });

  it('gives the import function the 900 s the declaration asks for', () => {
    expect(resourceOf('AWS::Lambda::Function', stack.importFunction.function.functionArn)?.Properties.Timeout).toBe(900);
    expect(importFunction.timeoutSeconds).toBe(900);
  });

  it('is private, TLS-only, encrypted, versioned, access-logged and retained', () => {
    const bucket = resourceOf('AWS::S3::Bucket', stack.importsBucket.bucket.bucketArn);
    expect(bucket).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: ref(stack.importsBucket.accessLogs.bucketName) },
      },
    });
    const expiring = bucket?.Properties.LifecycleConfiguration.Rules.filter((rule: { Prefix?: string }) => rule.Prefix);
    expect(expiring.map((rule: { Prefix: string; ExpirationInDays: number }) => `${rule.Prefix} ${rule.ExpirationInDays}`)).toEqual([
      'reports/ 30',
      'exports/ 30',
    ]);
  });
});

describe('tables', () => {
  const byName = tableDesigns.map((design) => [design.id, design] as const);

  it('exist exactly as the registry designs them: one per entity, plus api-keys, revocations, import-jobs, idempotency, the outbox, orders and notifications', () => {
    const platform = ['api-keys', 'idempotency', 'import-jobs', 'notifications', 'orders', 'outbox', 'revocations'];
    expect(Object.keys(stack.tables.tables).sort()).toEqual([...platform, ...entities.map((entity) => entity.name)].sort());
    expect(entities.map((entity) => entity.name)).toEqual(expect.arrayContaining(['products', 'students']));
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', tableDesigns.length);
  });

  it('expires revocations by DynamoDB TTL on expires_at, and only them', () => {
    const revocations = resourceOf('AWS::DynamoDB::GlobalTable', stack.tables.tables.revocations!.tableArn);
    expect(revocations?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
    const students = resourceOf('AWS::DynamoDB::GlobalTable', stack.tables.tables.students!.tableArn);
    expect(students?.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('keys consumer idempotency records on id and expires them by TTL on expiration (the Powertools names)', () => {
    const idempotency = resourceOf('AWS::DynamoDB::GlobalTable', stack.tables.tables.idempotency!.tableArn);
    expect(idempotency?.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(idempotency?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it.each(byName)('%s is on-demand, recoverable, encrypted and shaped by its design', (_name, design) => {
    const table = resourceOf('AWS::DynamoDB::GlobalTable', stack.tables.tables[design.id]!.tableArn);
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: design.partitionKey, KeyType: 'HASH' }],
        SSESpecification: { SSEEnabled: true },
        Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }],
        ...(design.indexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: design.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'KEYS_ONLY' },
              })),
            }),
      },
    });
    expect(table?.Properties.GlobalSecondaryIndexes ?? []).toHaveLength(design.indexes.length);
  });
});

describe('alarms and dashboard', () => {
  const topicArn = () => ref(stack.alarmTopic.topic.topicArn);
  const monitoring = () => Template.fromStack(stack.monitoring);
  const inParent = (value: unknown) => views.view(stack.monitoring).inParent(value);
  const alarms = () =>
    [...Object.values(template.findResources('AWS::CloudWatch::Alarm')), ...Object.values(monitoring().findResources('AWS::CloudWatch::Alarm'))].map(
      (alarm) => inParent(alarm.Properties) as Record<string, any>,
    );

  it('keeps the stack under CloudFormation’s 500 resources by putting alarms, dashboard, event consumers and HTTP functions in nested stacks', () => {
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(500);
    expect(Object.keys(monitoring().toJSON().Resources).length).toBeLessThan(500);
    expect(Object.keys(Template.fromStack(stack.consumersStack).toJSON().Resources).length).toBeLessThan(500);
    for (const nested of Object.values(stack.functionStacks))
      expect(Object.keys(Template.fromStack(nested).toJSON().Resources).length, nested.node.id).toBeLessThan(500);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('sends every alarm of the stack to the alarm topic, the DLQ alarms included', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topicArn()]);
    for (const queue of Object.values(stack.eventQueues.queues)) {
      expect(resourceOf('AWS::CloudWatch::Alarm', queue.dlqAlarm.alarmArn)?.Properties.AlarmActions).toEqual([topicArn()]);
    }
  });

  it('alarms on the errors and throttles of every function, the authorizer, the import function and the event consumers included', () => {
    // Functions of nested stacks (HTTP functions, consumers) reach the Monitoring stack as outputs of theirs.
    const named = [stack.authorizer.function, ...stack.functions, stack.importFunction, ...stack.consumers].map((fn) => ({
      id: fn.declaration.id,
      name: views.of(fn.function).output(fn.function.functionName),
    }));
    expect(named.filter(({ id }) => functions.some((fn) => fn.id === id)).every(({ name }) => JSON.stringify(name).includes('Outputs.'))).toBe(true);
    expect(stack.consumers.map((fn) => fn.declaration.id)).toEqual(eventConsumers.map((declaration) => declaration.id));
    const all = alarms();
    for (const { id, name } of named) {
      for (const metricName of ['Errors', 'Throttles']) {
        expect(
          all.some((alarm) => alarm.MetricName === metricName && JSON.stringify(alarm.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: name }])),
          `${id} ${metricName}`,
        ).toBe(true);
      }
    }
  });

  it('turns on per-route metrics and charts every route key of the registry', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: Match.objectLike({ DetailedMetricsEnabled: true }) });
    const [dashboard, ...more] = Object.values(monitoring().findResources('AWS::CloudWatch::Dashboard'));
    expect(more).toEqual([]);
    const body = (dashboard!.Properties.DashboardBody['Fn::Join'][1] as unknown[]).filter((part): part is string => typeof part === 'string').join('');
    const routeKeys = functions.flatMap((fn) => [
      ...servedRoutes(fn).map((route) => `${route.method} ${route.path}`),
      ...(fn.defaultRoute ? ['$default'] : []),
    ]);
    for (const key of routeKeys) expect(body, key).toContain(`"Route","${key}"`);
  });

  it('keeps the alarm topic encrypted with a rotated key and without a subscription unless -c alarmEmail is given', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: ref(stack.alarmTopic.key.keyArn) });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const subscribed = Template.fromStack(createRecordsApp({ context: { ...lenient, alarmEmail: 'oncall@example.com' } }).stack);
    subscribed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});

describe('app', () => {
  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });
});

describe('web console (Console nested stack)', () => {
  it('outputs the console’s URL: the distribution’s origin and its root', () => {
    template.hasOutput('ConsoleUrl', { Value: { 'Fn::Join': ['', ['https://', consoleDomain(), '/']] } });
  });

  it('gives the console’s origin to every HTTP function’s CORS_ALLOWED_ORIGINS', () => {
    for (const fn of stack.functions) expect(functionProps(fn).Environment.Variables.CORS_ALLOWED_ORIGINS, fn.declaration.id).toEqual(consoleOrigin());
  });

  it('lets the console’s origin PUT uploads to and GET reports and exports from the imports bucket (CORS)', () => {
    const rules = resourceOf('AWS::S3::Bucket', stack.importsBucket.bucket.bucketArn)?.Properties.CorsConfiguration.CorsRules;
    expect(rules.find((rule: { Id: string }) => rule.Id === 'console')).toMatchObject({
      AllowedOrigins: [consoleOrigin()],
      AllowedMethods: ['GET', 'HEAD', 'PUT'],
    });
  });

  it('gives the console a Cognito client of its own: code flow, no secret, the console root as callback and logout URL', () => {
    const console = views.view(stack.console!);
    const client = console.resourceOf('AWS::Cognito::UserPoolClient', stack.console!.client.userPoolClientId)?.Properties;
    const root = { 'Fn::Join': ['', ['https://', console.ref(stack.console!.hosting.distribution.distributionDomainName), '/']] };
    expect(client).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: false, CallbackURLs: [root], LogoutURLs: [root] });
    expect(console.inParent(client.UserPoolId)).toEqual(ref(stack.identityProvider.userPool.userPoolId));
  });

  it('leaves the console out with -c console=false: no nested stack, no output, the API client as the only audience', () => {
    const headless = createRecordsApp({ context: { ...prod, console: 'false' } }).stack;
    expect(headless.console).toBeUndefined();
    expect(headless.node.tryFindChild('Console')).toBeUndefined();
    const headlessTemplate = Template.fromStack(headless);
    expect(Object.keys(headlessTemplate.findOutputs('ConsoleUrl'))).toEqual([]);
    const variables = stackViews(headless).root.resourceOf('AWS::Lambda::Function', headless.authorizer.function.function.functionArn)?.Properties.Environment
      .Variables;
    expect(variables.AUTH_AUDIENCE).toEqual(headless.resolve(headless.identityProvider.client.userPoolClientId));
    expect(resourceOfIn(headlessTemplate, headless, headless.importsBucket.bucket.bucketArn)?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('destroys tables, logs and the cursor key with -c removalPolicy=destroy', () => {
    const throwAwayStack = createRecordsApp({ context: { ...lenient, removalPolicy: 'destroy' } }).stack;
    const throwAway = Template.fromStack(throwAwayStack);
    // The functions' log groups live in the nested stacks.
    const everyTemplate = stackViews(throwAwayStack)
      .all()
      .map((view) => view.template);
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::SQS::Queue', 'AWS::S3::Bucket']) {
      const policies = everyTemplate.flatMap((each) => Object.values(each.findResources(type)).map((resource) => resource.DeletionPolicy));
      expect(policies.length, type).toBeGreaterThan(0);
      expect(new Set(policies), type).toEqual(new Set(['Delete']));
    }
    throwAway.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  it('rejects an unknown removalPolicy', () => {
    const snapshot = { ...context, removalPolicy: 'snapshot' };
    expect(() => createRecordsApp({ context: snapshot })).toThrow(/removalPolicy must be one of/);
  });
});

/** What every stack of the app may use of CloudFormation's quotas (500 resources, 200 parameters, 200 outputs): room to grow, README "Known limits". */
const STACK_BUDGET = { resources: 400, parameters: 160, outputs: 160 };

describe('stack budgets and the HTTP functions’ nested stacks', () => {
  it.each([['resources'], ['parameters'], ['outputs']] as const)('keeps every stack, the app stack and each nested one, within its budget of %s', (quota) => {
    const all = views.all();
    // The app stack, Consumers, Monitoring, Console and one stack per HTTP function area.
    expect(all.length).toBe(4 + Object.keys(stack.functionStacks).length);
    for (const view of all) expect(sizeOf(view.template)[quota], view.stack.node.path).toBeLessThanOrEqual(STACK_BUDGET[quota]);
  });

  it('puts every HTTP function in the nested stack of its area, and none in the app stack', () => {
    expect(Object.keys(stack.functionStacks).sort()).toEqual([...new Set(functions.map(functionStackOf))].sort());
    for (const fn of stack.functions) {
      expect(Stack.of(fn.function), fn.declaration.id).toBe(stack.functionStacks[functionStackOf(fn.declaration)]);
      expect(home(fn).resourceOf('AWS::Lambda::Function', fn.function.functionArn), fn.declaration.id).toBeDefined();
    }
    // What stays in the app stack: the authorizer, the JWKS copier, the import function and the outbox publisher (plus CDK's deploy-time handlers, which have no service name).
    const own = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
      .filter(Boolean);
    expect(own.sort()).toEqual([authorizer.id, jwksCopier.id, importFunction.id, outboxPublisher.id].sort());
  });

  it('lets the API invoke each HTTP function by one permission that lives with the function and names the app stack’s API', () => {
    for (const fn of stack.functions) {
      const permissions = Object.values(
        home(fn).template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: home(fn).ref(fn.function.functionArn) } }),
      );
      expect(
        permissions.map((permission) => permission.Properties.Principal),
        fn.declaration.id,
      ).toEqual(['apigateway.amazonaws.com']);
      const sourceArn = JSON.stringify(home(fn).inParent(permissions[0]!.Properties.SourceArn));
      expect(sourceArn, fn.declaration.id).toContain(JSON.stringify(ref(stack.api.api.apiId)));
      expect(sourceArn, fn.declaration.id).toContain('/*/*/*');
    }
    // The app stack keeps the authorizer's permission, the schedule's for the JWKS copier and the bucket's for the import function only.
    const own = Object.values(template.findResources('AWS::Lambda::Permission')).map((permission) => JSON.stringify(permission.Properties.FunctionName));
    expect(own.sort()).toEqual(
      [stack.authorizer.function, stack.jwksCopy.copier, stack.importFunction].map((fn) => JSON.stringify(ref(fn.function.functionArn))).sort(),
    );
  });
});
