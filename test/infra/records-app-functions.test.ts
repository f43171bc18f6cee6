import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ServiceFunction } from '../../infra/constructs/service-function.js';
import { placementOf } from '../../infra/stacks/function-placement.js';
import { type LambdaDeclaration, servedRoutes } from '../../shared/entity/entity-functions.js';
import { counterKey } from '../../shared/store/dynamodb/table-design.js';
import { authorizer, entities, eventConsumers, functions, importFunction, outboxPublisher } from '../../shared/registry.js';
import { importTrigger } from '../../shared/import/import-trigger.js';
import { ChartLayer } from '../../infra/constructs/chart-layer.js';
import {
  allStatements,
  declaredS3Grants,
  grant,
  grantsOf,
  consoleOrigin,
  functionProps,
  home,
  logicalIdOf,
  NETWORK_INTERFACE_ACTIONS,
  ref,
  resourceOf,
  serviceFunction,
  stack,
  template,
  usesRedis,
  useProdApp,
  views,
  withImport,
} from './records-app-fixture.js';

/** What each function of the prod app runs with and may do: the authorizer, grants, configuration, event consumers and the outbox publisher. */
useProdApp();

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
