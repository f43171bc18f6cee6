import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import type { TableDesign } from '../../shared/store/dynamodb/table-design.js';
import { bundleDir } from '../build/bundle-functions.js';
import { ChartLayer } from './chart-layer.js';
import { SharedDependenciesLayer } from './shared-dependencies-layer.js';
import type { IdentityProviderConfig } from './identity-provider.js';

/** The Redis a function uses for the cache and the rate limiter. */
export interface RedisConnection {
  /** `REDIS_URL`, e.g. `rediss://…:6379` of an ElastiCache endpoint the function can reach. */
  readonly url: string;
  /**
   * `CACHE_KEY_PREFIX`
   * @default - unset: the runtime default `records:`
   */
  readonly cacheKeyPrefix?: string;
  /**
   * `REDIS_CLUSTER=1`: the endpoint is cluster-mode (ElastiCache Serverless), the functions use
   * the cluster-aware client.
   * @default false
   */
  readonly cluster?: boolean;
}

/** Where a function runs inside a VPC. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroups: readonly ISecurityGroup[];
}

/** Tables and their designs by table id; `Tables` provides both. */
export interface TableCatalog {
  readonly tables: Readonly<Record<string, ITable>>;
  readonly designs: Readonly<Record<string, TableDesign>>;
}

export interface ServiceFunctionProps<D extends LambdaDeclaration = FunctionDeclaration> {
  /** The registry entry: id, entry, routes and the grants it may have. */
  readonly declaration: D;
  /** Where the tables named in `declaration.tables` are looked up. */
  readonly tables: TableCatalog;
  /** Required when `declaration.cursorSecret` is set. */
  readonly cursorSecret?: ISecret;
  /** Required when `declaration.jwksSecret` is set: the copy of the identity provider's JWKS (infra/constructs/jwks-copy.ts). */
  readonly jwksSecret?: ISecret;
  /** Required when `declaration.identityProvider` is set. */
  readonly identityProvider?: IdentityProviderConfig;
  /**
   * `REDIS_URL` (+ `CACHE_KEY_PREFIX`) for functions that use the cache or the rate limiter.
   * @default - none: no cache
   */
  readonly redis?: RedisConnection;
  /**
   * Runs the function in these subnets with these security groups (to reach Redis). Its role
   * then may manage the function's network interfaces.
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
  /**
   * @default 512 (MB): also buys CPU, which dominates cold starts of a bundled handler
   */
  readonly memorySize?: number;
  /**
   * Keep well under API Gateway's 30 s integration limit so the function, not the gateway,
   * decides what the client sees.
   * @default - the declaration's `timeoutSeconds`, else Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Host names requests may carry (`ALLOWED_HOSTS`, the original's TrustedHost); add custom
   * domains here. Anything else is refused with 400 before business code.
   * @default - the region's API Gateway hosts, `*.execute-api.<region>.amazonaws.com`
   */
  readonly allowedHosts?: readonly string[];
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The deployment package.
   * @default - the esbuild output of `bundleFunctions()` for this function (`.build/functions/<id>`)
   */
  readonly code?: Code;
}

/** One namespace for every function; the service name dimension tells them apart. */
export const METRICS_NAMESPACE = 'RecordsPlatform';

/**
 * What Lambda needs to attach a function to a VPC (the actions of the managed
 * AWSLambdaVPCAccessExecutionRole, without its account-wide log permissions).
 */
const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * One Lambda per registry entry, with the platform's runtime defaults and exactly the
 * DynamoDB actions its declaration lists: no `grantReadData`, whose action set is broader.
 */
export class ServiceFunction<D extends LambdaDeclaration = FunctionDeclaration> extends Construct {
  public readonly declaration: D;
  public readonly function: LambdaFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps<D>) {
    super(scope, id);
    const { declaration } = props;
    this.declaration = declaration;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Own role instead of the default one: the default attaches AWSLambdaBasicExecutionRole,
    // which may write to every log group of the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${declaration.id}`,
    });
    this.logGroup.grantWrite(this.role);
    // Before the function: Lambda checks these permissions when it creates a VPC function.
    if (props.network) this.role.addToPrincipalPolicy(new PolicyStatement({ actions: NETWORK_INTERFACE_ACTIONS, resources: ['*'] }));

    // Chart functions carry a native addon: they run on the architecture its binary was built for.
    const charts = declaration.chartRendering ? ChartLayer.of(this) : undefined;
    this.function = new LambdaFunction(this, 'Function', {
      description: declaration.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: charts?.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(declaration.timeoutSeconds ?? 10),
      ...(declaration.scratchMiB ? { ephemeralStorageSize: Size.mebibytes(declaration.scratchMiB) } : {}),
      code: props.code ?? Code.fromAsset(bundleDir(declaration)),
      handler: 'index.handler',
      layers: [SharedDependenciesLayer.of(this).layer, ...(charts ? [charts.layer] : [])],
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: [...props.network.securityGroups] } : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: declaration.id,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ALLOWED_HOSTS: (props.allowedHosts ?? [`*.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`]).join(','),
      },
    });

    for (const grant of declaration.tables) {
      const table = props.tables.tables[grant.table];
      const design = props.tables.designs[grant.table];
      if (!table || !design) throw new Error(`${declaration.id}: unknown table '${grant.table}'`);
      this.function.addEnvironment(design.envVar, table.tableName);
      // Tables are keyed by their partition key alone (TableDesign has no sort key), so a Query
      // of the base table would find one item, as GetItem does: with indexes, Query targets them only.
      const queriesIndexes = grant.actions.includes('Query') && design.indexes.length > 0;
      const actions = grant.actions.filter((action) => !(queriesIndexes && action === 'Query')).map((action) => `dynamodb:${action}`);
      const leadingKeys = grant.leadingKeys ? { conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': grant.leadingKeys } } } : {};
      if (actions.length > 0) this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [table.tableArn], ...leadingKeys }));
      // Named index ARNs rather than `index/*`: the design lists every index the store may
      // query, and of the declarable actions only Query can target an index.
      if (queriesIndexes) {
        this.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: design.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
          }),
        );
      }
    }

    if (declaration.cursorSecret) {
      if (!props.cursorSecret) throw new Error(`${declaration.id}: declares cursorSecret but none was given`);
      this.function.addEnvironment('CURSOR_SECRET_ARN', props.cursorSecret.secretArn);
      props.cursorSecret.grantRead(this.role);
    }

    if (declaration.identityProvider) {
      if (!props.identityProvider) throw new Error(`${declaration.id}: declares identityProvider but none was given`);
      if (declaration.jwksSecret !== 'read') this.function.addEnvironment('AUTH_JWKS_URL', props.identityProvider.jwksUrl);
      this.function.addEnvironment('AUTH_ISSUER', props.identityProvider.issuer);
      this.function.addEnvironment('AUTH_AUDIENCE', props.identityProvider.audience);
    }

    if (declaration.jwksSecret) {
      if (!props.jwksSecret) throw new Error(`${declaration.id}: declares jwksSecret but none was given`);
      this.function.addEnvironment('AUTH_JWKS_SECRET_ARN', props.jwksSecret.secretArn);
      if (declaration.jwksSecret === 'read') {
        this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.jwksSecret.secretArn] }));
      } else {
        if (!props.identityProvider) throw new Error(`${declaration.id}: declares jwksSecret 'write' but no identityProvider was given`);
        this.function.addEnvironment('JWKS_SOURCE_URL', props.identityProvider.jwksUrl);
        // GetSecretValue: an unchanged key set is not rewritten (each write is a new version).
        this.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: [props.jwksSecret.secretArn] }),
        );
      }
    }

    if (props.redis) {
      this.function.addEnvironment('REDIS_URL', props.redis.url);
      if (props.redis.cacheKeyPrefix) this.function.addEnvironment('CACHE_KEY_PREFIX', props.redis.cacheKeyPrefix);
      if (props.redis.cluster) this.function.addEnvironment('REDIS_CLUSTER', '1');
    }

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement added by active tracing uses Resource "*": xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords do not support resource-level permissions.' +
        (props.network
          ? ' So does the network-interface statement of this VPC function: the ec2:Describe* actions have no ' +
            'resource-level permissions, and Lambda validates the others against "*" when it creates the function ' +
            '(the AWS managed AWSLambdaVPCAccessExecutionRole grants the same actions on "*", plus logs on every group).'
          : ''),
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x on purpose: it matches the pinned local Node 22 (the `node` devDependency) that runs ' +
        'the tests and the local gateway; the runtime moves together with that pin.',
    });
  }
}
