import { Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type CfnStage,
  DomainName,
  EndpointType,
  HttpApi as HttpApiL2,
  HttpMethod,
  HttpIntegrationType,
  HttpRoute,
  type HttpRouteIntegrationConfig,
  HttpRouteIntegration,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionDeclaration, servedRoutes } from '../../shared/entity/entity-functions.js';

/** A function and the declaration that says which routes it serves; `ServiceFunction` is one. */
export interface RoutedFunction {
  readonly declaration: Pick<FunctionDeclaration, 'id' | 'routes' | 'permission' | 'defaultRoute' | 'throttle'>;
  readonly function: IFunction;
}

export interface HttpApiProps {
  readonly functions: readonly RoutedFunction[];
  /**
   * Runs before every route whose declared permission is not public (the function then
   * enforces the role). Required as soon as such a route exists: synthesis fails otherwise.
   * @default - none; only valid when every route is public
   */
  readonly authorizer?: IHttpRouteAuthorizer;
  /**
   * @default - `<stack name>-api` (two stages in one account show apart)
   */
  readonly apiName?: string;
  /**
   * Steady-state requests per second across all routes of the stage.
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * @default 200
   */
  readonly throttleBurstLimit?: number;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * Per-route CloudWatch metrics (requests, 4xx, 5xx, latency per route key), which the
   * dashboard charts; billed per metric like custom metrics.
   * @default true
   */
  readonly detailedMetrics?: boolean;
  /**
   * A custom domain for the `$default` stage: a regional API Gateway domain name with this
   * ACM certificate (same region, TLS 1.2) mapped to the API. Point DNS at `domain.regionalDomainName`.
   * The functions must admit the name in `ALLOWED_HOSTS` (the stack does).
   * @default - none: the execute-api URL only
   */
  readonly domain?: { readonly name: string; readonly certificate: ICertificate };
  /**
   * What happens to the access log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One JSON line per request; values are quoted because API Gateway writes `-` for
 * variables that have no value (no integration on a 404, for instance).
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * The HTTP API: every declared (method, path) routed to its function with payload format 2.0
 * and one throttled, access-logged `$default` stage; routes whose declaration names a
 * `throttle` get it as their own route settings (below the stage's). Routes that are not public run the
 * Lambda authorizer; public ones (and `$default`, which also receives CORS preflights) run
 * none. CORS preflight is answered by the functions' middleware, so the API configures none.
 */
export class HttpApi extends Construct {
  public readonly api: HttpApiL2;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  /** Undefined without `domain`. */
  public readonly domainName: DomainName | undefined;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new HttpApiL2(this, 'Api', {
      apiName: props.apiName ?? `${Stack.of(this).stackName}-api`,
      description: 'Records platform API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const stageThrottle = { rateLimit: props.throttleRateLimit ?? 100, burstLimit: props.throttleBurstLimit ?? 200 };
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: stageThrottle,
      detailedMetricsEnabled: props.detailedMetrics ?? true,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
    const detailedMetrics = props.detailedMetrics ?? true;
    const routeSettings: Record<string, object> = {};
    const throttledRoutes: HttpRoute[] = [];

    const fallbacks = props.functions.filter(({ declaration }) => declaration.defaultRoute);
    if (fallbacks.length > 1) {
      const ids = fallbacks.map(({ declaration }) => declaration.id).join(', ');
      throw new Error(`only one function may serve $default: ${ids}`);
    }
    for (const { declaration, function: handler } of props.functions) {
      // One invoke permission per function for this API (not one per route): only this function's
      // own routes integrate it, and per-route permissions cost a resource each (README, 500 limit).
      // It lives with the function, in the function's (nested) stack, and reads the API id from here.
      handler.addPermission(`InvokedBy${Names.uniqueId(this.api)}`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId, resourceName: '*/*/*' }),
      });
      const integration = new LambdaProxyIntegration(`${declaration.id}-integration`, handler);
      const isPublic = declaration.permission === 'public';
      if (!isPublic && !props.authorizer) {
        throw new Error(`${declaration.id}: permission '${declaration.permission}' needs an authorizer, and the API has none`);
      }
      if (!isPublic && declaration.defaultRoute) {
        throw new Error(`${declaration.id}: $default must stay public, it answers CORS preflights`);
      }
      // HEAD is answered for every GET route by the same function (it drops the body).
      for (const route of servedRoutes(declaration)) {
        const methods = [HttpMethod[route.method]];
        const authorizer = isPublic ? undefined : props.authorizer;
        for (const httpRoute of this.api.addRoutes({ path: route.path, methods, integration, authorizer })) {
          if (isPublic) acknowledgePublicRoute(httpRoute);
          if (declaration.throttle) throttledRoutes.push(httpRoute);
        }
        if (declaration.throttle) {
          // Route settings replace the stage defaults for that route: metrics are restated, and a
          // route never gets more than the stage (a stage throttled lower keeps its limit).
          routeSettings[`${route.method} ${route.path}`] = {
            ThrottlingRateLimit: Math.min(declaration.throttle.rateLimit, stageThrottle.rateLimit),
            ThrottlingBurstLimit: Math.min(declaration.throttle.burstLimit, stageThrottle.burstLimit),
            DetailedMetricsEnabled: detailedMetrics,
          };
        }
      }
      if (declaration.defaultRoute) {
        // Unmatched requests (unknown paths, wrong methods, CORS preflights) reach a function
        // instead of API Gateway's bare `{"message":"Not Found"}`.
        const fallback = new HttpRoute(this.api, 'DefaultRoute', {
          httpApi: this.api,
          routeKey: HttpRouteKey.DEFAULT,
          integration,
        });
        acknowledgePublicRoute(fallback);
      }
    }
    if (props.domain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.domain.name,
        certificate: props.domain.certificate,
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'DomainMapping', { api: this.api, domainName: this.domainName, stage: this.stage });
    }
    if (throttledRoutes.length > 0) {
      const cfnStage = this.stage.node.defaultChild as CfnStage;
      cfnStage.routeSettings = routeSettings;
      // API Gateway refuses settings for a route key that does not exist yet.
      for (const route of throttledRoutes) cfnStage.node.addDependency(route);
    }
  }

  /** Base URL of the `$default` stage, with a trailing slash. */
  public get url(): string {
    return this.stage.url;
  }
}

/**
 * A Lambda proxy integration (payload format 2.0) that adds no invoke permission of its own:
 * `HttpApi` grants it once per function, in the function's stack. aws-cdk-lib's
 * `HttpLambdaIntegration` would put that permission in the API's stack, where ~45 functions'
 * worth of permissions count against its 500 resources although the functions live in nested stacks.
 */
class LambdaProxyIntegration extends HttpRouteIntegration {
  constructor(
    id: string,
    private readonly handler: IFunction,
  ) {
    super(id);
  }

  public bind(): HttpRouteIntegrationConfig {
    return { type: HttpIntegrationType.AWS_PROXY, uri: this.handler.functionArn, payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 };
  }
}

/** The API Gateway route keys a function serves (`GET /api/v1/students`, `$default`): its metrics' `Route` dimension. */
export function routeKeysOf(declaration: Pick<FunctionDeclaration, 'routes' | 'defaultRoute'>): string[] {
  return [...servedRoutes(declaration).map((route) => `${route.method} ${route.path}`), ...(declaration.defaultRoute ? ['$default'] : [])];
}

/** Public routes run no authorizer by declaration; each says so to cdk-nag on its own. */
function acknowledgePublicRoute(route: Construct): void {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Public by declaration (permission "public" in the registry): health, the API description and the ' +
      '$default fallback (404/405 and CORS preflight) are meant to be called anonymously. Every other route ' +
      'runs the Lambda authorizer.',
  });
}
