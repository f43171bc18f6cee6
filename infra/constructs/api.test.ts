import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { servedRoutes } from '../../shared/entity/entity-functions.js';
import { HttpApi, type HttpApiProps, type RoutedFunction } from './api.js';

type Declaration = RoutedFunction['declaration'];

const getOne: Declaration = {
  id: 'things-get',
  routes: [{ method: 'GET', path: '/things/{id}' }],
  permission: 'viewer',
};
const update: Declaration = {
  id: 'things-update',
  routes: [
    { method: 'PUT', path: '/things/{id}' },
    { method: 'PATCH', path: '/things/{id}' },
  ],
  permission: 'staff',
};
const health: Declaration = { id: 'health', routes: [{ method: 'GET', path: '/health' }], permission: 'public' };
const fallback: Declaration = { id: 'fallback', routes: [], permission: 'public', defaultRoute: true };

const inline = Code.fromInline('export const handler = async () => ({ statusCode: 204 });');

function synth(props: Partial<HttpApiProps> = {}, declarations = [getOne, update, health, fallback]) {
  const stack = new Stack(new App(), 'Test');
  const functions = declarations.map((declaration) => ({
    declaration,
    function: new LambdaFunction(stack, declaration.id, { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: inline }),
  }));
  const authorizerFn = new LambdaFunction(stack, 'authorizer', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: inline });
  const authorizer = new HttpLambdaAuthorizer('Authorizer', authorizerFn, {
    responseTypes: [HttpLambdaResponseType.SIMPLE],
    identitySource: [],
  });
  const api = new HttpApi(stack, 'HttpApi', { functions, authorizer, ...props });
  return { stack, api, functions, authorizerFn, template: Template.fromStack(stack) };
}

/** The authorization of one route key as the template states it. */
function authorizationOf(template: Template, routeKey: string) {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
  expect(routes, routeKey).toHaveLength(1);
  return { type: routes[0]?.Properties.AuthorizationType ?? 'NONE', authorizerId: routes[0]?.Properties.AuthorizerId };
}

/** Logical id of the function a route's integration invokes. */
function targetOf(template: Template, routeKey: string): string {
  const integrationId = new Capture();
  template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
    RouteKey: routeKey,
    Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
  });
  const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId.asString()];
  expect(integration?.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  return integration?.Properties.IntegrationUri['Fn::GetAtt'][0];
}

describe('HttpApi', () => {
  it('routes every declared method and path, plus HEAD for each GET, to the integration of its function', () => {
    const { stack, functions, template } = synth();
    // 4 declared routes + HEAD for the 2 GETs + $default
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 7);
    for (const { declaration, function: fn } of functions) {
      const [functionId] = stack.resolve(fn.functionArn)['Fn::GetAtt'];
      for (const route of servedRoutes(declaration)) {
        expect(targetOf(template, `${route.method} ${route.path}`), `${route.method} ${route.path}`).toBe(functionId);
      }
    }
  });

  it('sends whatever no route matched to the function that serves $default', () => {
    const { stack, functions, template } = synth();
    const fallbackFn = functions.find(({ declaration }) => declaration.defaultRoute)!.function;
    expect(targetOf(template, '$default')).toBe(stack.resolve(fallbackFn.functionArn)['Fn::GetAtt'][0]);
  });

  it('refuses two functions for $default', () => {
    const twoFallbacks = [fallback, { ...fallback, id: 'other-fallback' }];
    expect(() => synth({}, twoFallbacks)).toThrow(/only one function may serve \$default/);
  });

  it('runs the authorizer on every route that is not public, and on no public one', () => {
    const { template } = synth();
    const authorizerId = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /things/{id}',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
    for (const routeKey of ['GET /things/{id}', 'HEAD /things/{id}', 'PUT /things/{id}', 'PATCH /things/{id}']) {
      expect(authorizationOf(template, routeKey), routeKey).toEqual({ type: 'CUSTOM', authorizerId: { Ref: authorizerId.asString() } });
    }
    for (const routeKey of ['GET /health', 'HEAD /health', '$default']) {
      expect(authorizationOf(template, routeKey).type, routeKey).toBe('NONE');
    }
  });

  it('refuses non-public routes without an authorizer, and a protected $default', () => {
    expect(() => synth({ authorizer: undefined })).toThrow(/things-get: permission 'viewer' needs an authorizer/);
    expect(() => synth({}, [{ ...fallback, permission: 'viewer' }])).toThrow(/\$default must stay public/);
    expect(() => synth({ authorizer: undefined }, [health, fallback])).not.toThrow();
  });

  it('lets this API invoke each function (one permission per function, not per route) and the authorizer as an authorizer', () => {
    const { template } = synth();
    // 4 functions + the authorizer: a permission per route would cost a resource each (500 limit).
    template.resourceCountIs('AWS::Lambda::Permission', 5);
    for (const permission of Object.values(template.findResources('AWS::Lambda::Permission'))) {
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(':execute-api:');
      expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/"Ref":"HttpApi[A-Za-z0-9]*"/);
    }
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/authorizers/')])] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith(['/*/*/*'])] },
    });
  });

  it('grants the invoke permission in the function’s own stack when the function lives in a nested one', () => {
    const stack = new Stack(new App(), 'Test');
    const nested = new NestedStack(stack, 'Functions');
    const fn = new LambdaFunction(nested, 'health', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: inline });
    new HttpApi(stack, 'HttpApi', { functions: [{ declaration: health, function: fn }] });
    // The API's stack holds routes and integration only: ≈ 5 resources per function stay out of it.
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 0);
    const nestedTemplate = Template.fromStack(nested);
    nestedTemplate.resourceCountIs('AWS::Lambda::Permission', 1);
    const [permission] = Object.values(nestedTemplate.findResources('AWS::Lambda::Permission'));
    expect(permission!.Properties).toMatchObject({ Principal: 'apigateway.amazonaws.com', FunctionName: nested.resolve(fn.functionArn) });
    // The API id reaches the nested stack as a parameter of the parent's.
    expect(JSON.stringify(permission!.Properties.SourceArn)).toMatch(/"Ref":"referenceto[A-Za-z0-9]*HttpApi[A-Za-z0-9]*Ref"/);
  });

  it('leaves CORS to the functions', () => {
    synth().template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
  });

  it('throttles the $default stage at 100 rps with bursts of 200 by default', () => {
    synth().template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('accepts other throttling limits', () => {
    const { template } = synth({ throttleRateLimit: 10, throttleBurstLimit: 20 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });

  it('gives each route of a function that declares a throttle its own limits, and no other route any', () => {
    const exportThings: Declaration = {
      id: 'things-export',
      routes: [{ method: 'GET', path: '/things/export' }],
      permission: 'viewer',
      throttle: { rateLimit: 5, burstLimit: 10 },
    };
    const { template } = synth({}, [getOne, update, health, fallback, exportThings]);
    const settings = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, DetailedMetricsEnabled: true },
      RouteSettings: settings,
    });
    // HEAD is served for the GET, so it is throttled the same; metrics stay on for those routes.
    const limited = { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10, DetailedMetricsEnabled: true };
    expect(settings.asObject()).toEqual({ 'GET /things/export': limited, 'HEAD /things/export': limited });
  });

  it('makes the stage wait for the throttled routes (API Gateway refuses settings of an unknown route key)', () => {
    const exportThings: Declaration = {
      id: 'things-export',
      routes: [{ method: 'GET', path: '/things/export' }],
      permission: 'viewer',
      throttle: { rateLimit: 5, burstLimit: 10 },
    };
    const { template } = synth({}, [getOne, health, fallback, exportThings]);
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const routeIds = Object.entries(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => String(route.Properties.RouteKey).endsWith(' /things/export'))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(2);
    expect(stage!.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('never lets a route throttle exceed a stage throttled lower, and sets no route settings without throttles', () => {
    const query: Declaration = {
      id: 'things-query',
      routes: [{ method: 'POST', path: '/things/query' }],
      permission: 'viewer',
      throttle: { rateLimit: 20, burstLimit: 40 },
    };
    const { template } = synth({ throttleRateLimit: 10, throttleBurstLimit: 30 }, [getOne, health, fallback, query]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /things/query': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 30, DetailedMetricsEnabled: true } },
    });
    synth().template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { RouteSettings: Match.absent() });
  });

  it('maps a custom domain (regional, TLS 1.2, the given certificate) to the $default stage only when asked', () => {
    synth().template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    const stack = new Stack(new App(), 'Domain');
    const certificate = Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    const api = new HttpApi(stack, 'HttpApi', { functions: [], domain: { name: 'api.records.example.com', certificate } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.records.example.com',
      DomainNameConfigurations: [{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: stack.resolve(api.api.apiId),
      DomainName: stack.resolve(api.domainName!.name),
      Stage: stack.resolve(api.stage.stageName),
    });
  });

  it('writes one JSON access log line per request to its own log group', () => {
    const { stack, api, template } = synth();
    const format = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: stack.resolve(api.accessLogs.logGroupArn), Format: format },
    });
    expect(JSON.parse(format.asString())).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('explains on each public route, and only there, why it has no authorizer', () => {
    const { api } = synth();
    const acknowledged = api.api.node
      .findAll()
      .filter((node) => node.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    const reasons = acknowledged
      .flatMap((node) => node.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    // health GET + HEAD, $default
    expect(reasons).toHaveLength(3);
    expect(reasons.every(([id, reason]) => id.endsWith('AwsSolutions-APIG4') && reason.includes('"public"'))).toBe(true);
  });
});
