import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import type { IdentityProviderConfig } from './identity-provider.js';
import { type FunctionNetwork, type RedisConnection, ServiceFunction, type TableCatalog } from './service-function.js';

export interface ApiAuthorizerProps {
  /** The authorizer's registry entry (`authorizer` in `shared/registry.ts`). */
  readonly declaration: LambdaDeclaration;
  /** Where its declared tables (api-keys, GetItem) are looked up. */
  readonly tables: TableCatalog;
  readonly identityProvider: IdentityProviderConfig;
  /** The JWKS copy, for a declaration with `jwksSecret: 'read'` (infra/constructs/jwks-copy.ts). */
  readonly jwksSecret?: ISecret;
  /**
   * `REDIS_URL` of the stack's Redis (revocations live in the revocations table, not here).
   * @default - none
   */
  readonly redis?: RedisConnection;
  /**
   * Subnets to run in. They must reach Redis and the JWKS: Secrets Manager (its VPC endpoint)
   * for the copy, the identity provider itself without one.
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
  /**
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * @default - the esbuild bundle of the declaration
   */
  readonly code?: Code;
}

/**
 * The HTTP API's Lambda REQUEST authorizer (payload 2.0, simple responses). No identity
 * source and no API Gateway result cache: with identity sources API Gateway itself answers a
 * request without them with a bare 401, bypassing problem+json. The function caches verified
 * credentials itself (by hash, ≤ 5 min, never past expiry) and checks revocations every call.
 */
export class ApiAuthorizer extends Construct {
  public readonly function: ServiceFunction<LambdaDeclaration>;
  public readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: ApiAuthorizerProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Function', {
      declaration: props.declaration,
      tables: props.tables,
      identityProvider: props.identityProvider,
      jwksSecret: props.jwksSecret,
      redis: props.redis,
      network: props.network,
      // Verification is CPU-light but sits in front of every request: keep it well under the route budget.
      timeout: Duration.seconds(5),
      logRemovalPolicy: props.logRemovalPolicy,
      code: props.code,
    });
    this.authorizer = new HttpLambdaAuthorizer('Authorizer', this.function.function, {
      authorizerName: 'records-platform-authorizer',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(0),
      identitySource: [],
    });
  }
}
