import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { authorizer, functions, tableDesigns } from '../../shared/registry.js';
import { ApiAuthorizer } from '../constructs/api-authorizer.js';
import { HttpApi } from '../constructs/api.js';
import { CursorSecret } from '../constructs/cursor-secret.js';
import { IdentityProvider } from '../constructs/identity-provider.js';
import { type RevocationListConfig, ServiceFunction } from '../constructs/service-function.js';
import { Tables } from '../constructs/tables.js';

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
   * Redis holding the token revocation list (`-c redisUrl=rediss://…`), reachable from the
   * functions. Until the cache issue brings ElastiCache and a VPC, it is unset and revocation
   * checks fail open (README: Authentication).
   * @default - none
   */
  readonly redisUrl?: string;
}

/** The platform: everything is derived from the registry, so this file only wires. */
export class RecordsStack extends Stack {
  public readonly tables: Tables;
  public readonly identityProvider: IdentityProvider;
  public readonly authorizer: ApiAuthorizer;
  public readonly cursorSecret: CursorSecret;
  public readonly functions: readonly ServiceFunction[];
  public readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: RecordsStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new Tables(this, 'Tables', { designs: tableDesigns, removalPolicy });
    this.cursorSecret = new CursorSecret(this, 'CursorSecret', { removalPolicy });
    this.identityProvider = new IdentityProvider(this, 'IdentityProvider', { removalPolicy });
    const revocationList: RevocationListConfig = {
      keyPrefix: `records-platform:${this.stackName}:auth:`,
      ...(props.redisUrl ? { redisUrl: props.redisUrl } : {}),
    };
    this.authorizer = new ApiAuthorizer(this, 'Authorizer', {
      declaration: authorizer,
      tables: this.tables,
      identityProvider: this.identityProvider.config,
      revocationList,
      logRemovalPolicy: removalPolicy,
    });
    this.functions = functions.map(
      (declaration) =>
        new ServiceFunction(this, declaration.id, {
          declaration,
          tables: this.tables,
          cursorSecret: this.cursorSecret.secret,
          revocationList,
          logRemovalPolicy: removalPolicy,
        }),
    );
    this.api = new HttpApi(this, 'HttpApi', {
      functions: this.functions,
      authorizer: this.authorizer.authorizer,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identityProvider.userPool.userPoolId, description: 'Cognito user pool of API users' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.identityProvider.client.userPoolClientId,
      description: 'App client id: the audience the authorizer accepts',
    });
  }
}
