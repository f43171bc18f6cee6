import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { CfnOutput, NestedStack, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { flagDeclarations } from '../../shared/flags/flag-declarations.js';
import {
  authorizer,
  entities,
  jwksCopier,
  eventConsumers,
  functions,
  importFunction,
  notificationSend,
  outboxPublisher,
  tableDesigns,
} from '../../shared/registry.js';
import { AlarmTopic } from '../constructs/alarm-topic.js';
import { ApiAuthorizer } from '../constructs/api-authorizer.js';
import { HttpApi, routeKeysOf } from '../constructs/api.js';
import { ApiEdge } from '../constructs/api-edge.js';
import { Cache } from '../constructs/cache.js';
import { Dashboard } from '../constructs/dashboard.js';
import { EventBus } from '../constructs/event-bus.js';
import { EventQueues } from '../constructs/event-queues.js';
import { FeatureFlags } from '../constructs/feature-flags.js';
import { CursorSecret } from '../constructs/cursor-secret.js';
import { ImportsBucket } from '../constructs/imports-bucket.js';
import { IdentityProvider } from '../constructs/identity-provider.js';
import { JwksCopy } from '../constructs/jwks-copy.js';
import { Network } from '../constructs/network.js';
import { NotificationChannels, type NotificationChannelsConfig } from '../constructs/notification-channels.js';
import { Observability } from '../constructs/observability.js';
import { type FunctionNetwork, METRICS_NAMESPACE, type RedisConnection, ServiceFunction } from '../constructs/service-function.js';
import { StreamSources } from '../constructs/stream-sources.js';
import { Tables } from '../constructs/tables.js';
import { ConsoleStack } from './console-stack.js';
import { placementOf } from './function-placement.js';
import { functionStackId, functionStackOf } from './function-stacks.js';

export interface RecordsStackProps extends StackProps {
  /**
   * Applied to everything that holds data or logs: tables, cursor key, log groups.
   * DESTROY is for throw-away environments (`cdk deploy -c removalPolicy=destroy`).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * @default - the `HttpApi` default (100 requests per second)
   */
  readonly throttleRateLimit?: number;
  /**
   * @default - the `HttpApi` default (200 requests)
   */
  readonly throttleBurstLimit?: number;
  /**
   * A Redis of your own (`-c redisUrl=rediss://…`), reachable from Lambda outside any VPC.
   * The stack then creates no VPC and no cache, and every function runs outside a VPC.
   * @default - the stack's ElastiCache Serverless (Valkey) cache, in the stack's VPC
   */
  readonly redisUrl?: string;
  /**
   * Subscribed by e-mail to the alarm topic (`-c alarmEmail=oncall@example.com`).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Empties the imports bucket and its log bucket when the stack is deleted (throw-away stages;
   * only meaningful with `removalPolicy` DESTROY).
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
  /**
   * Browser origins CORS admits (`CORS_ALLOWED_ORIGINS` of every HTTP function, the `$default`
   * fallback that answers preflights included), besides the deployed console's (`console`), which
   * is added by itself; a console hosted elsewhere belongs here.
   * @default - none: only the deployed console (none at all with `console: false`)
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * EMF namespace of every function, and what the alarms and the dashboard read (one per stage,
   * so that two stages in one account never add up in each other's alarms).
   * @default METRICS_NAMESPACE (`RecordsPlatform`)
   */
  readonly metricsNamespace?: string;
  /**
   * A custom domain for the API (an ACM certificate in the stack's region). Its name joins every
   * HTTP function's `ALLOWED_HOSTS`; the `ApiDomainTarget` output is where DNS points.
   * @default - the execute-api URL only
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /**
   * SES / SNS / Cognito settings of the notification channels (docs/notifications.md).
   * @default - not configured: notification-send gets no channel grants and refuses to start
   */
  readonly notifications?: NotificationChannelsConfig;
  /**
   * The web console in AWS (`ConsoleStack`: S3 + CloudFront and its Cognito client; docs/console.md).
   * Its origin joins `allowedOrigins` and the imports bucket's CORS. `-c console=false` leaves it out.
   * @default true
   */
  readonly console?: boolean;
  /**
   * CloudFront in front of the API with this `CLOUDFRONT`-scope WAFv2 web ACL (`ApiEdge`,
   * docs/security.md#aws-waf). `ApiUrl` becomes the distribution's URL, which the console uses too.
   * @default - none: clients call the execute-api URL (or the custom domain)
   */
  readonly waf?: { readonly webAclArn: string };
}

/** The platform: everything is derived from the registry, so this file only wires. */
export class RecordsStack extends Stack {
  public readonly tables: Tables;
  public readonly identityProvider: IdentityProvider;
  public readonly authorizer: ApiAuthorizer;
  public readonly cursorSecret: CursorSecret;
  /** Undefined with a Redis of your own (`redisUrl`). */
  public readonly network: Network | undefined;
  /** The JWKS copy the authorizer verifies with, and its scheduled copier (outside the VPC). */
  public readonly jwksCopy: JwksCopy;
  /** Undefined with a Redis of your own (`redisUrl`). */
  public readonly cache: Cache | undefined;
  public readonly functions: readonly ServiceFunction[];
  /**
   * The HTTP functions' nested stacks, one per area (`functionStackOf`: students, products, …):
   * ≈ 5 resources per function would push this stack past CloudFormation's 500 (README "Known
   * limits"). Routes, integrations and the authorizer stay here, with the API.
   */
  public readonly functionStacks: Readonly<Record<string, NestedStack>>;
  /** Runs an import job per file dropped in the imports bucket (not an HTTP function). */
  public readonly importFunction: ServiceFunction<LambdaDeclaration>;
  /** Uploads to import, import reports and large exports. */
  public readonly importsBucket: ImportsBucket;
  public readonly api: HttpApi;
  public readonly observability: Observability;
  /** Where every alarm goes (SNS, KMS-encrypted, TLS only). */
  public readonly alarmTopic: AlarmTopic;
  public readonly dashboard: Dashboard;
  /**
   * The alarms of the Observability construct and the dashboard, in a nested stack of their own:
   * with one alarm per function and per catalogue signal they would push this stack past
   * CloudFormation's 500 resources (README "Known limits").
   */
  public readonly monitoring: NestedStack;
  /** The saga's bus, archive and schema registry; `grantPublish(fn)` for producers. */
  public readonly events: EventBus;
  /** Queues + DLQs of shared/events/queues.ts and the rules of events/rules.ts; `addConsumer(fn, name)`. */
  public readonly eventQueues: EventQueues;
  /** AppConfig application, environment and feature-flag profile of shared/flags/flag-declarations.ts. */
  public readonly featureFlags: FeatureFlags;
  /** Publishes the outbox table's committed rows to the bus (its stream's consumer). */
  public readonly outboxPublisher: ServiceFunction<LambdaDeclaration>;
  /**
   * The saga queues' consumers (`eventConsumers` of shared/registry.ts), in a nested stack of
   * their own: ≈ 7 resources each would push this stack past CloudFormation's 500.
   */
  public readonly consumersStack: NestedStack;
  /** One function per `eventConsumers` declaration, each mapped to its queue. */
  public readonly consumers: readonly ServiceFunction<LambdaDeclaration>[];
  /** The `notification-send` consumer (docs/notifications.md). */
  public readonly notificationSend: ServiceFunction<LambdaDeclaration>;
  /** SES, SNS and Cognito grants of functions declaring `sendsNotifications`. */
  public readonly notificationChannels: NotificationChannels;
  /** The DynamoDB stream mappings of shared/events/stream-sources.ts. */
  public readonly streamSources: StreamSources;
  /** CloudFront + WAF in front of the API; undefined without `waf`. */
  public readonly edge: ApiEdge | undefined;
  /** The web console's nested stack; undefined with `console: false`. */
  public readonly console: ConsoleStack | undefined;

  constructor(scope: Construct, id: string, props: RecordsStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new Tables(this, 'Tables', { designs: tableDesigns, removalPolicy });
    this.cursorSecret = new CursorSecret(this, 'CursorSecret', { removalPolicy });
    this.identityProvider = new IdentityProvider(this, 'IdentityProvider', { removalPolicy });
    if (!props.redisUrl) {
      // No route out: the authorizer reads the JWKS copy (this.jwksCopy) through the Secrets Manager endpoint.
      this.network = new Network(this, 'Network', { removalPolicy });
      this.cache = new Cache(this, 'Cache', { vpc: this.network.vpc, clients: [this.network.functionsSecurityGroup] });
    }
    const redis: RedisConnection = {
      url: props.redisUrl ?? this.cache!.url,
      // Stacks sharing a Redis of their own must not share entries.
      cacheKeyPrefix: `records:${this.stackName}:`,
      // ElastiCache Serverless is cluster-mode; a Redis of your own is taken as standalone.
      cluster: !props.redisUrl,
    };
    const entityTables = new Set(entities.map((entity) => entity.name));
    const runtime = (declaration: LambdaDeclaration): { redis?: RedisConnection; network?: FunctionNetwork } => {
      const placement = placementOf(declaration, entityTables);
      if (placement === 'outside') return {};
      return { redis, ...(this.network ? { network: this.network.isolated } : {}) };
    };

    this.jwksCopy = new JwksCopy(this, 'JwksCopy', {
      declaration: jwksCopier,
      tables: this.tables,
      identityProvider: this.identityProvider.config,
      removalPolicy,
    });
    this.authorizer = new ApiAuthorizer(this, 'Authorizer', {
      declaration: authorizer,
      tables: this.tables,
      identityProvider: this.identityProvider.config,
      jwksSecret: this.jwksCopy.secret,
      ...runtime(authorizer),
      logRemovalPolicy: removalPolicy,
    });
    const functionStacks: Record<string, NestedStack> = {};
    const functionStack = (declaration: FunctionDeclaration): NestedStack => {
      const area = functionStackOf(declaration);
      return (functionStacks[area] ??= new NestedStack(this, functionStackId(area), { description: `HTTP functions of ${area}` }));
    };
    this.functionStacks = functionStacks;
    this.functions = functions.map(
      (declaration) =>
        new ServiceFunction(functionStack(declaration), declaration.id, {
          declaration,
          tables: this.tables,
          cursorSecret: this.cursorSecret.secret,
          ...runtime(declaration),
          logRemovalPolicy: removalPolicy,
        }),
    );
    this.importFunction = new ServiceFunction(this, importFunction.id, {
      declaration: importFunction,
      tables: this.tables,
      ...runtime(importFunction),
      logRemovalPolicy: removalPolicy,
    });
    this.importsBucket = new ImportsBucket(this, 'ImportsBucket', {
      importFunction: this.importFunction,
      functions: this.functions,
      removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    });
    this.api = new HttpApi(this, 'HttpApi', {
      functions: this.functions,
      authorizer: this.authorizer.authorizer,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      removalPolicy,
      ...(props.domain
        ? { domain: { name: props.domain.name, certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn) } }
        : {}),
    });
    if (props.waf) {
      this.edge = new ApiEdge(this, 'ApiEdge', {
        api: this.api.api,
        webAclArn: props.waf.webAclArn,
        removalPolicy,
        autoDeleteObjects: props.autoDeleteObjects,
      });
    }
    // What clients (and the console) call: the edge when there is one, else the custom domain or execute-api.
    const apiUrl = this.edge ? this.edge.url : props.domain ? `https://${props.domain.name}` : this.api.url;
    this.featureFlags = new FeatureFlags(this, 'FeatureFlags', { declarations: flagDeclarations });
    this.events = new EventBus(this, 'Events');
    this.outboxPublisher = new ServiceFunction(this, outboxPublisher.id, {
      declaration: outboxPublisher,
      tables: this.tables,
      ...runtime(outboxPublisher),
      logRemovalPolicy: removalPolicy,
    });
    for (const fn of [...this.functions, this.importFunction, this.outboxPublisher]) {
      if (fn.declaration.publishesEvents) this.events.grantPublish(fn.function);
    }
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail, removalPolicy });
    const alarmActions = [this.alarmTopic.action];
    this.jwksCopy.addAlarmAction(...alarmActions);
    this.streamSources = new StreamSources(this, 'StreamSources', {
      tables: this.tables,
      functions: { [outboxPublisher.id]: this.outboxPublisher.function },
      alarmActions,
    });
    this.eventQueues = new EventQueues(this, 'EventQueues', { bus: this.events.bus, removalPolicy, alarmActions });
    this.consumersStack = new NestedStack(this, 'Consumers', { description: 'SQS consumers of the saga queues' });
    this.consumers = eventConsumers.map((declaration) => {
      const consumer = new ServiceFunction(this.consumersStack, declaration.id, {
        declaration,
        tables: this.tables,
        ...runtime(declaration),
        logRemovalPolicy: removalPolicy,
      });
      this.eventQueues.addConsumer(consumer.function, declaration.id);
      if (declaration.publishesEvents) this.events.grantPublish(consumer.function);
      this.importsBucket.grantDeclared(consumer);
      return consumer;
    });
    for (const fn of [...this.functions, this.importFunction, this.outboxPublisher, ...this.consumers]) {
      for (const queue of fn.declaration.sendsTo ?? []) this.eventQueues.grantSend(fn.function, queue);
    }
    this.notificationSend = this.consumers.find((consumer) => consumer.declaration.id === notificationSend.id)!;
    this.notificationChannels = new NotificationChannels(this, 'NotificationChannels', { userPool: this.identityProvider.userPool, ...props.notifications });
    for (const consumer of this.consumers) this.notificationChannels.grantDeclared(consumer);
    for (const fn of [...this.functions, ...this.consumers]) if (fn.declaration.featureFlags) this.featureFlags.grantRead(fn.function);
    const watched = [this.authorizer.function, this.jwksCopy.copier, ...this.functions, this.importFunction, this.outboxPublisher, ...this.consumers];
    // Stage-derived settings (docs/deploy.md): set after creation so that function creation stays as it is.
    const metricsNamespace = props.metricsNamespace ?? METRICS_NAMESPACE;
    for (const fn of watched) {
      fn.function.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', metricsNamespace);
      // Stacks sharing a Redis of their own must not share rate-limit buckets either.
      if (runtime(fn.declaration).redis) fn.function.addEnvironment('RATE_LIMIT_KEY_PREFIX', `records:${this.stackName}:rl:`);
    }
    if (props.console ?? true) {
      this.console = new ConsoleStack(this, 'Console', {
        identityProvider: this.identityProvider,
        apiUrl,
        removalPolicy,
        autoDeleteObjects: props.autoDeleteObjects,
      });
      this.importsBucket.allowBrowserOrigins([this.console.origin]);
    }
    const allowedOrigins = [...(props.allowedOrigins ?? []), ...(this.console ? [this.console.origin] : [])];
    if (allowedOrigins.length) for (const fn of this.functions) fn.function.addEnvironment('CORS_ALLOWED_ORIGINS', allowedOrigins.join(','));
    // The ServiceFunction default (the region's execute-api hosts) plus the custom domain.
    const allowedHosts = [`*.execute-api.${this.region}.${this.urlSuffix}`, ...(props.domain ? [props.domain.name] : [])].join(',');
    if (props.domain) for (const fn of this.functions) fn.function.addEnvironment('ALLOWED_HOSTS', allowedHosts);
    this.monitoring = new NestedStack(this, 'Monitoring', { description: 'Alarms and dashboard of the records platform' });
    this.observability = new Observability(this.monitoring, 'Observability', {
      alarmActions,
      stage: this.api.stage,
      functions: watched,
      namespace: metricsNamespace,
      tables: this.tables.tables,
      ...(this.cache ? { cacheName: this.cache.cache.serverlessCacheName } : {}),
    });
    this.dashboard = new Dashboard(this.monitoring, 'Dashboard', {
      stage: this.api.stage,
      namespace: metricsNamespace,
      functions: watched.map((fn) => ({
        declaration: fn.declaration,
        function: fn.function,
        routeKeys: 'routes' in fn.declaration ? routeKeysOf(fn.declaration as FunctionDeclaration) : [],
      })),
      tables: Object.fromEntries(
        Object.entries(this.tables.tables).map(([tableId, table]) => [
          tableId,
          { table, indexes: this.tables.designs[tableId]!.indexes.map((index) => index.name) },
        ]),
      ),
      queues: this.eventQueues.queues,
      ...(this.cache ? { cacheName: this.cache.cache.serverlessCacheName } : {}),
      alarms: [
        ...Object.values(this.observability.alarms),
        ...Object.values(this.eventQueues.queues).map((queue) => queue.dlqAlarm),
        ...Object.values(this.streamSources.iteratorAgeAlarms),
      ],
    });

    if (this.edge) {
      new CfnOutput(this, 'ApiUrl', { value: this.edge.url, description: 'Base URL of the API: CloudFront with the WAF web ACL (use this one)' });
      new CfnOutput(this, 'ApiOriginUrl', {
        value: this.api.url,
        description: 'The execute-api URL behind the distribution (not for clients: it skips the web ACL)',
      });
    } else {
      new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    }
    if (this.api.domainName) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: this.api.domainName.regionalDomainName,
        description: `Point ${props.domain!.name} here (CNAME, or a Route 53 alias)`,
      });
    }
    if (this.console) new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The web console (sign in through Cognito)' });
    new CfnOutput(this, 'UserPoolId', { value: this.identityProvider.userPool.userPoolId, description: 'Cognito user pool of API users' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.identityProvider.client.userPoolClientId,
      description: 'App client id: the audience the authorizer accepts',
    });
  }
}
