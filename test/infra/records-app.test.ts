import { type App, type CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { ServiceFunction } from '../../infra/constructs/service-function.js';
import { placementOf } from '../../infra/stacks/function-placement.js';
import { functionStackOf } from '../../infra/stacks/function-stacks.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import { type LambdaDeclaration, servedRoutes } from '../../shared/entity/entity-functions.js';
import { counterKey } from '../../shared/store/dynamodb/table-design.js';
import { authorizer, entities, eventConsumers, functions, importFunction, jwksCopier, lambdas, outboxPublisher, tableDesigns } from '../../shared/registry.js';
import { importTrigger, importTriggerFilters } from '../../shared/import/import-trigger.js';
import { EXPORT_ACTIONS, EXPORTS_PREFIX } from '../../infra/constructs/imports-bucket.js';
import { ChartLayer } from '../../infra/constructs/chart-layer.js';
import { context, lenient, sizeOf, type StackViews, stackViews } from './records-app-support.js';

/** The stage these tests synthesize unless they say otherwise: prod retains data (test/infra/records-stages.test.ts covers dev). */
const prod = { ...lenient, stage: 'prod' };

let app: App;
let stack: RecordsStack;
let template: Template;
let views: StackViews;

beforeAll(() => {
  // The template depends on the bundles' existence, not their content; rebuilding present ones
  // would rewrite files that integration tests running in parallel may be importing.
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  // A cdk-nag finding would otherwise abort synthesis here and skip every test; the nag tests
  // below report findings one by one instead, and check the strict synthesis separately.
  ({ app, stack } = createRecordsApp({ context: prod }));
  template = Template.fromStack(stack);
  views = stackViews(stack);
});

function serviceFunction(id: string): ServiceFunction<LambdaDeclaration> {
  if (id === importFunction.id) return stack.importFunction;
  const found = stack.functions.find((fn) => fn.declaration.id === id);
  if (!found) throw new Error(`no ServiceFunction ${id}`);
  return found;
}

/** `{ Ref }` / `{ Fn::GetAtt }` of a construct attribute of the app stack, as its template spells it. */
const ref = (token: string) => stack.resolve(token);
const logicalIdOf = (token: string): string => {
  const resolved = ref(token);
  return resolved.Ref ?? resolved['Fn::GetAtt'][0];
};
/** The imports bucket's ARN as cdk-nag prints it inside a nested stack: the parameter CDK passes in. */
const nestedBucketArn = () => `<referenceto${Names.uniqueId(stack.importsBucket.bucket.node.defaultChild!)}Arn>`;
/** The imports bucket's ARN as cdk-nag prints it in the acknowledgement of a role, wherever the role lives. */
const bucketArnSeenBy = (fn: ServiceFunction<LambdaDeclaration>) =>
  Stack.of(fn.role) === stack ? `<${logicalIdOf(stack.importsBucket.bucket.bucketArn)}.Arn>` : nestedBucketArn();
/** The deployed console's domain as the app stack reads it: an output of the Console nested stack. */
const consoleDomain = () => views.view(stack.console!).output(stack.console!.hosting.distribution.distributionDomainName);
/** The console's origin (`https://<distribution>`) as the app stack spells it. */
const consoleOrigin = () => ({ 'Fn::Join': ['', ['https://', consoleDomain()]] });
/** The S3 bucket of another synthesized app stack a bucket attribute points at. */
const resourceOfIn = (other: Template, otherStack: Stack, token: string) => {
  const resolved = otherStack.resolve(token);
  return other.findResources('AWS::S3::Bucket')[resolved.Ref ?? resolved['Fn::GetAtt'][0]];
};
/** The app stack's template resource a construct attribute points at. */
const resourceOf = (type: string, token: string) => template.findResources(type)[logicalIdOf(token)];
/** The template of the stack a function lives in (the app stack's or a nested one), with its values in the app stack's terms. */
const home = (fn: ServiceFunction<LambdaDeclaration>) => views.of(fn.function);
/** A function's resource properties with the parameters its (nested) stack receives replaced by the app stack's values. */
const functionProps = (fn: ServiceFunction<LambdaDeclaration>) =>
  home(fn).inParent(home(fn).resourceOf('AWS::Lambda::Function', fn.function.functionArn)?.Properties) as Record<string, any>;
/** Every IAM policy statement of every stack (the app stack's and the nested ones), in the app stack's terms, with the stack it is in. */
const allStatements = () =>
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
const usesRedis = (declaration: LambdaDeclaration) => placementOf(declaration, entityTables) !== 'outside';

/** What Lambda needs to attach a function to a VPC, granted inline on "*". */
const NETWORK_INTERFACE_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
];

function grant(action: string, resource: unknown): string {
  return `${action} ${JSON.stringify(resource)}`;
}

/** Every (action, resource) pair a function's role may use, sorted; grouping doesn't matter. */
function grantsOf(fn: ServiceFunction<LambdaDeclaration>): string[] {
  const { template: owner, ref: ownRef, inParent } = views.of(fn.role);
  const policies = owner.findResources('AWS::IAM::Policy', { Properties: { Roles: [ownRef(fn.role.roleName)] } });
  return Object.values(policies)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
    .flatMap(({ Action, Resource }) => [Action].flat().flatMap((action) => [Resource].flat().map((resource) => grant(String(action), inParent(resource)))))
    .sort();
}

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

const byId = functions.map((fn) => [fn.id, fn] as const);
/** The HTTP functions and the S3-triggered import function: everything built by ServiceFunction directly. */
const withImport: (readonly [string, LambdaDeclaration])[] = [...byId, [importFunction.id, importFunction]];

/** The object grants a declaration asks for in the imports bucket (its `buckets`, plus `exports/*` for large exports). */
function declaredS3Grants(declaration: LambdaDeclaration): string[] {
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [ref(stack.importsBucket.bucket.bucketArn), `/${prefix}*`]] });
  return [
    ...(declaration.buckets ?? []).flatMap(({ actions, prefixes }) =>
      actions.flatMap((action) => prefixes.map((prefix) => grant(`s3:${action}`, objects(prefix)))),
    ),
    ...(declaration.largeExports ? EXPORT_ACTIONS.map((action) => grant(action, objects(EXPORTS_PREFIX))) : []),
  ];
}

describe('authorization', () => {
  const routesOf = (permission: 'public' | 'protected') =>
    functions
      .filter((fn) => (fn.permission === 'public') === (permission === 'public'))
      .flatMap((fn) => [...servedRoutes(fn).map((route) => `${route.method} ${route.path}`), ...(fn.defaultRoute ? ['$default'] : [])]);
  const routeByKey = (routeKey: string) =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((route) => route.Properties.RouteKey === routeKey);
  const authorizerIds = () => Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));

  it('has one Lambda authorizer: simple responses, payload 2.0, no identity source, no API Gateway cache', () => {
    expect(authorizerIds()).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: [],
      AuthorizerUri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([ref(stack.authorizer.function.function.functionArn)])] }),
    });
  });

  it.each(routesOf('protected'))('%s runs the authorizer', (routeKey) => {
    expect(routeByKey(routeKey)?.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerIds()[0] } });
  });

  it.each(routesOf('public'))('%s is public', (routeKey) => {
    expect(routeByKey(routeKey)?.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('trusts the stack’s Cognito user pool and app client', () => {
    const variables = resourceOf('AWS::Lambda::Function', stack.authorizer.function.function.functionArn)?.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      // The API client, then the console's (an output of the Console nested stack).
      AUTH_AUDIENCE: {
        'Fn::Join': ['', [ref(stack.identityProvider.client.userPoolClientId), ',', views.view(stack.console!).output(stack.console!.client.userPoolClientId)]],
      },
      AUTH_REDIS_PREFIX: `records-platform:${stack.stackName}:auth:`,
      REDIS_URL: ref(stack.cache!.url),
      REDIS_CLUSTER: '1',
      API_KEYS_TABLE_NAME: ref(stack.tables.tables['api-keys']!.tableName),
    });
    expect(JSON.stringify(variables.AUTH_ISSUER)).toContain(logicalIdOf(stack.identityProvider.userPool.userPoolId));
    // The JWKS comes from the copy in Secrets Manager (records-network.test.ts), not from Cognito's URL.
    expect(variables.AUTH_JWKS_SECRET_ARN).toEqual(ref(stack.jwksCopy.secret.secretArn));
    expect(variables).not.toHaveProperty('AUTH_JWKS_URL');
  });

  it('lets the authorizer read single API keys and single revocations and nothing else in DynamoDB', () => {
    const dynamo = grantsOf(stack.authorizer.function).filter((entry) => entry.startsWith('dynamodb:'));
    expect(dynamo).toEqual(
      [
        grant('dynamodb:GetItem', ref(stack.tables.tables['api-keys']!.tableArn)),
        grant('dynamodb:GetItem', ref(stack.tables.tables.revocations!.tableArn)),
      ].sort(),
    );
    expect(authorizer.tables).toEqual([
      { table: 'api-keys', actions: ['GetItem'] },
      { table: 'revocations', actions: ['GetItem'] },
    ]);
  });

  it('creates the role groups in the user pool', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((group) => group.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'staff', 'viewer']);
  });
});

describe('function grants', () => {
  it.each(withImport)('%s may use exactly its declared DynamoDB actions', (_id, declaration) => {
    const fn = serviceFunction(declaration.id);
    const expected = declaration.tables.flatMap(({ table, actions }) => {
      const tableArn = ref(stack.tables.tables[table]!.tableArn);
      const indexes = actions.includes('Query') ? stack.tables.designs[table]!.indexes : [];
      return [
        // With indexes, Query is allowed on them only (every table is keyed by its partition key alone).
        ...actions.filter((action) => !(action === 'Query' && indexes.length > 0)).map((action) => grant(`dynamodb:${action}`, tableArn)),
        ...indexes.map((index) => grant('dynamodb:Query', { 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] })),
      ];
    });
    expect(grantsOf(fn).filter((entry) => entry.startsWith('dynamodb:'))).toEqual(expected.sort());
  });

  it('reads one item for health, one item for get, and queries the named indexes only for list', () => {
    const studentsArn = ref(stack.tables.tables.students!.tableArn);
    const dynamo = (id: string) => grantsOf(serviceFunction(id)).filter((entry) => entry.startsWith('dynamodb:'));
    // One counter item of every entity table (a scaffolded entity joins the probe).
    expect(dynamo('system-health')).toEqual(entities.map((entity) => grant('dynamodb:GetItem', ref(stack.tables.tables[entity.name]!.tableArn))).sort());
    expect(entities.map((entity) => entity.name)).toEqual(expect.arrayContaining(['products', 'students']));
    const health = home(serviceFunction('system-health'));
    const healthPolicies = health.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [health.ref(serviceFunction('system-health').role.roleName)] },
    });
    expect(JSON.stringify(healthPolicies)).toContain(`"dynamodb:LeadingKeys":["${counterKey(0)}"]`);
    expect(dynamo('students-get')).toEqual([grant('dynamodb:GetItem', studentsArn)]);
    expect(dynamo('students-list')).toContain(grant('dynamodb:Query', { 'Fn::Join': ['', [studentsArn, '/index/all_by_student_id']] }));
    expect(dynamo('students-list').some((entry) => entry.includes('/index/*'))).toBe(false);
    expect(dynamo('students-list')).not.toContain(grant('dynamodb:Query', studentsArn));
    expect(dynamo('system-docs')).toEqual([]);
  });

  it('lets the stock route update product items and nothing else', () => {
    const productsArn = ref(stack.tables.tables.products!.tableArn);
    const dynamo = grantsOf(serviceFunction('products-stock')).filter((entry) => entry.startsWith('dynamodb:'));
    expect(dynamo).toEqual([grant('dynamodb:UpdateItem', productsArn)]);
  });

  it.each(withImport)('%s may use exactly its declared S3 object actions, on exactly its declared key prefixes', (_id, declaration) => {
    const s3 = grantsOf(serviceFunction(declaration.id)).filter((entry) => entry.startsWith('s3:'));
    expect(s3).toEqual(declaredS3Grants(declaration).sort());
  });

  it('gives the import door exactly the S3 access the issue names', () => {
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [ref(stack.importsBucket.bucket.bucketArn), `/${prefix}*`]] });
    const s3 = (id: string) => grantsOf(serviceFunction(id)).filter((entry) => entry.startsWith('s3:'));
    // GetObjectVersion: the handler heads the version the event names, and the bucket is versioned.
    // GetObject on reports/: errors.csv is assembled by reading the job's segment chain back.
    expect(s3(importFunction.id)).toEqual(
      [
        grant('s3:GetObject', objects('imports/')),
        grant('s3:GetObjectVersion', objects('imports/')),
        grant('s3:GetObject', objects('reports/')),
        grant('s3:PutObject', objects('reports/')),
      ].sort(),
    );
    expect(s3('imports-create')).toEqual([grant('s3:PutObject', objects('imports/'))]);
    const exporter = functions.find((fn) => fn.largeExports)!;
    expect(s3(exporter.id)).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'].map((action) => grant(action, objects('exports/'))));
  });

  it.each(withImport)('%s may otherwise only write its logs and traces (and attach to the VPC if it runs there)', (_id, declaration) => {
    const fn = serviceFunction(declaration.id);
    const logGroupArn = home(fn).ref(fn.logGroup.logGroupArn);
    const secretArn = ref(stack.cursorSecret.secret.secretArn);
    const expected = [
      grant('logs:CreateLogStream', logGroupArn),
      grant('logs:PutLogEvents', logGroupArn),
      grant('xray:PutTelemetryRecords', '*'),
      grant('xray:PutTraceSegments', '*'),
      ...(declaration.cursorSecret ? [grant('secretsmanager:DescribeSecret', secretArn), grant('secretsmanager:GetSecretValue', secretArn)] : []),
      ...(usesRedis(declaration) ? NETWORK_INTERFACE_ACTIONS.map((action) => grant(action, '*')) : []),
      ...(declaration.featureFlags
        ? ['appconfig:GetLatestConfiguration', 'appconfig:StartConfigurationSession'].map((action) => grant(action, ref(stack.featureFlags.sessionArn)))
        : []),
      ...(declaration.sendsTo ?? []).flatMap((queue) =>
        ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map((action) => grant(action, ref(stack.eventQueues.queues[queue]!.queue.queueArn))),
      ),
    ];
    expect(grantsOf(fn).filter((entry) => !entry.startsWith('dynamodb:') && !entry.startsWith('s3:'))).toEqual(expected.sort());
    expect(home(fn).resourceOf('AWS::IAM::Role', fn.role.roleArn)?.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('functions', () => {
  it.each(withImport)('%s runs its bundle with the platform defaults', (_id, declaration) => {
    const fn = serviceFunction(declaration.id);
    const corsVariables = (stack.functions as readonly ServiceFunction<LambdaDeclaration>[]).includes(fn) ? { CORS_ALLOWED_ORIGINS: consoleOrigin() } : {};
    const tableVariables = Object.fromEntries(
      declaration.tables.map(({ table }) => [stack.tables.designs[table]!.envVar, ref(stack.tables.tables[table]!.tableName)]),
    );
    const secretVariables = {
      ...(declaration.cursorSecret ? { CURSOR_SECRET_ARN: ref(stack.cursorSecret.secret.secretArn) } : {}),
      ...(declaration.revocationList ? { AUTH_REDIS_PREFIX: `records-platform:${stack.stackName}:auth:` } : {}),
      ...(usesRedis(declaration)
        ? {
            REDIS_URL: ref(stack.cache!.url),
            REDIS_CLUSTER: '1',
            CACHE_KEY_PREFIX: `records:${stack.stackName}:`,
            RATE_LIMIT_KEY_PREFIX: `records:${stack.stackName}:rl:`,
          }
        : {}),
      ...(declaration.buckets?.length ? { [importTrigger.bucketEnv]: ref(stack.importsBucket.bucket.bucketName) } : {}),
      ...(declaration.largeExports ? { EXPORTS_BUCKET: ref(stack.importsBucket.bucket.bucketName) } : {}),
      ...Object.fromEntries(
        (declaration.sendsTo ?? []).map((queue) => [
          `${queue.toUpperCase().replace(/-/g, '_')}_QUEUE_URL`,
          ref(stack.eventQueues.queues[queue]!.queue.queueUrl),
        ]),
      ),
      ...(declaration.featureFlags
        ? {
            FLAGS_APPCONFIG_APPLICATION: ref(stack.featureFlags.application.applicationId),
            FLAGS_APPCONFIG_ENVIRONMENT: ref(stack.featureFlags.environment.environmentId),
            FLAGS_APPCONFIG_PROFILE: ref(stack.featureFlags.configuration.configurationProfileId),
            FLAGS_MAX_AGE_SECONDS: '60',
          }
        : {}),
    };
    const props = functionProps(fn);
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      // Chart functions run on the architecture of the resvg binary their layer ships (the layer of their stack).
      Architectures: [declaration.chartRendering ? ChartLayer.of(fn.function).architecture.name : 'arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: declaration.timeoutSeconds ?? 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: home(fn).ref(fn.logGroup.logGroupName) },
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: declaration.id,
          POWERTOOLS_METRICS_NAMESPACE: 'RecordsPlatform/prod',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ALLOWED_HOSTS: { 'Fn::Join': ['', ['*.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
          // HTTP functions only (not the import function); no allowedOrigins in this stage: the deployed console's origin only.
          ...corsVariables,
          ...tableVariables,
          ...secretVariables,
        },
      },
    });
    const variableCount = 5 + Object.keys(corsVariables).length + Object.keys(tableVariables).length + Object.keys(secretVariables).length;
    expect(Object.keys(props.Environment.Variables)).toHaveLength(variableCount);
    expect(home(fn).resourceOf('AWS::Logs::LogGroup', fn.logGroup.logGroupName)).toMatchObject({
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Retain',
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

describe('event consumers (nested Consumers stack)', () => {
  const consumers = () => views.view(stack.consumersStack);

  it.each(eventConsumers.map((declaration) => [declaration.id, declaration] as const))(
    '%s consumes its queue with partial batch failures reported, as declared',
    (id, declaration) => {
      const fn = stack.consumers.find((consumer) => consumer.declaration.id === id)!;
      const mappings = Object.values(consumers().template.findResources('AWS::Lambda::EventSourceMapping')).filter(
        (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify(stack.consumersStack.resolve(fn.function.functionName)),
      );
      expect(mappings).toHaveLength(1);
      expect(consumers().inParent(mappings[0]!.Properties)).toMatchObject({
        EventSourceArn: ref(stack.eventQueues.queue(id).queue.queueArn),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const props = consumers().resourceOf('AWS::Lambda::Function', fn.function.functionArn)?.Properties;
      expect(props.Timeout).toBe(declaration.timeoutSeconds ?? 10);
      expect(consumers().inParent(props.Environment.Variables)).toMatchObject({
        // Saga consumers deduplicate on the envelope id; import-worker is idempotent on its chunk items instead.
        ...(declaration.tables.some((grant) => grant.table === 'idempotency')
          ? { IDEMPOTENCY_TABLE_NAME: ref(stack.tables.tables.idempotency!.tableName) }
          : {}),
        POWERTOOLS_SERVICE_NAME: id,
      });
    },
  );

  it('runs consumers that write entity tables (inventory on products, import-worker) in the isolated subnets with the functions’ security group', () => {
    const writers = stack.consumers.filter((consumer) => placementOf(consumer.declaration, new Set(entities.map((entity) => entity.name))) !== 'outside');
    // import-worker writes students; the inventory consumers invalidate cached products in Redis.
    expect(writers.map((consumer) => consumer.declaration.id).sort()).toEqual(['import-worker', 'inventory-release', 'inventory-reserve']);
    for (const writer of writers) {
      const props = consumers().resourceOf('AWS::Lambda::Function', writer.function.functionArn)?.Properties;
      expect(consumers().inParent(props.VpcConfig), writer.declaration.id).toEqual({
        SubnetIds: stack.network!.vpc.isolatedSubnets.map((subnet) => ref(subnet.subnetId)),
        SecurityGroupIds: [ref(stack.network!.functionsSecurityGroup.securityGroupId)],
      });
    }
  });

  it('lets exactly the functions that declare sendsTo send to those queues, with the queue URL in their environment', () => {
    const senders = [...stack.functions, stack.importFunction, stack.outboxPublisher, ...stack.consumers].filter((fn) => fn.declaration.sendsTo?.length);
    expect(senders.map((fn) => fn.declaration.id).sort()).toEqual(['import-worker', 'imports-on-object-created']);
    const chunks = stack.eventQueues.queues['import-chunks']!.queue;
    const sendStatements = (fn: (typeof senders)[number]) => {
      const owner = views.of(fn.role);
      const policies = Object.values(owner.template.findResources('AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(owner.ref(fn.role.roleName).Ref),
      );
      return policies
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'))
        .map((statement) => owner.inParent(statement.Resource));
    };
    for (const fn of senders) {
      expect(sendStatements(fn), fn.declaration.id).toEqual([ref(chunks.queueArn)]);
      const variables = functionProps(fn).Environment.Variables as Record<string, unknown>;
      expect(variables.IMPORT_CHUNKS_QUEUE_URL, fn.declaration.id).toEqual(ref(chunks.queueUrl));
    }
    // No other role of any stack (nested ones included) may send to a queue.
    const sending = allStatements().filter(({ statement }) => [statement.Action].flat().includes('sqs:SendMessage'));
    expect(sending.map(({ view, roles }) => JSON.stringify(view.inParent(roles))).sort()).toEqual(
      senders.map((fn) => JSON.stringify([views.of(fn.role).ref(fn.role.roleName)])).sort(),
    );
  });

  it('gives import-worker the outbox table and PutItem on it alone (the last chunk commits import.completed with the job)', () => {
    const worker = stack.consumers.find((consumer) => consumer.declaration.id === 'import-worker')!;
    const props = consumers().resourceOf('AWS::Lambda::Function', worker.function.functionArn)?.Properties;
    expect(consumers().inParent(props.Environment.Variables)).toMatchObject({ OUTBOX_TABLE_NAME: ref(stack.tables.tables.outbox!.tableName) });
    expect(worker.declaration.tables.filter((grant) => grant.table === 'outbox')).toEqual([{ table: 'outbox', actions: ['PutItem'] }]);
  });

  it('gives notification-send the notifications table name and the AppConfig flag variables', () => {
    const props = consumers().resourceOf('AWS::Lambda::Function', stack.notificationSend.function.functionArn)?.Properties;
    expect(consumers().inParent(props.Environment.Variables)).toMatchObject({
      NOTIFICATIONS_TABLE_NAME: ref(stack.tables.tables.notifications!.tableName),
      FLAGS_APPCONFIG_APPLICATION: ref(stack.featureFlags.application.applicationId),
    });
  });
});

describe('outbox publisher', () => {
  const fn = () => stack.outboxPublisher;

  it('is the outbox stream’s consumer: batch and retries as declared, partial batch failures reported', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify(ref(fn().function.functionName)),
    );
    expect(mappings.map((mapping) => mapping.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: ref(stack.tables.tables.outbox!.tableStreamArn!),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
  });

  it('may read the outbox stream and put events on the bus, and nothing else but its logs and traces', () => {
    const logGroupArn = ref(fn().logGroup.logGroupArn);
    const streamArn = ref(stack.tables.tables.outbox!.tableStreamArn!);
    expect(grantsOf(fn())).toEqual(
      [
        grant('logs:CreateLogStream', logGroupArn),
        grant('logs:PutLogEvents', logGroupArn),
        grant('xray:PutTelemetryRecords', '*'),
        grant('xray:PutTraceSegments', '*'),
        grant('dynamodb:DescribeStream', streamArn),
        grant('dynamodb:GetRecords', streamArn),
        grant('dynamodb:GetShardIterator', streamArn),
        grant('events:PutEvents', ref(stack.events.bus.eventBusArn)),
      ].sort(),
    );
  });

  it('runs outside the VPC with the bus name, no table names and the declared timeout', () => {
    const props = resourceOf('AWS::Lambda::Function', fn().function.functionArn)?.Properties;
    expect(props.VpcConfig).toBeUndefined();
    expect(props.Timeout).toBe(outboxPublisher.timeoutSeconds);
    expect(props.Environment.Variables).toMatchObject({ EVENT_BUS_NAME: ref(stack.events.bus.eventBusName), POWERTOOLS_SERVICE_NAME: 'outbox-publisher' });
    expect(Object.keys(props.Environment.Variables).filter((name) => name.endsWith('_TABLE_NAME'))).toEqual([]);
  });

  it('is the only function allowed to put events on the bus', () => {
    // Every stack's policies: HTTP functions and consumers live in nested stacks.
    const publishers = allStatements()
      .filter(({ statement }) => [statement.Action].flat().includes('events:PutEvents'))
      .map(({ view, roles }) => ({ stack: view.stack.node.path, roles }));
    expect(publishers).toEqual([{ stack: stack.node.path, roles: [ref(fn().role.roleName)] }]);
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

/** Where in the Console stack an acknowledgement sits: its log bucket, its distribution, or CDK's BucketDeployment handler (a stack singleton). */
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
