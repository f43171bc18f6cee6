import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { apiKeysTable } from '../../shared/api-keys/api-keys.table.js';
import { revocationsTable } from '../../shared/auth/revocations.table.js';
import { authorizer as declaration } from '../../shared/registry.js';
import { ApiAuthorizer } from './api-authorizer.js';
import { HttpApi } from './api.js';
import { Tables } from './tables.js';

const code = Code.fromInline('export const handler = async () => ({ isAuthorized: true });');
const identityProvider = { jwksUrl: 'https://idp.example/.well-known/jwks.json', issuer: 'https://idp.example', audience: 'client-1' };

function synth() {
  const stack = new Stack(new App(), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: [apiKeysTable, revocationsTable] });
  const jwksSecret = new Secret(stack, 'Jwks');
  const apiAuthorizer = new ApiAuthorizer(stack, 'Authorizer', {
    declaration,
    tables,
    identityProvider,
    jwksSecret,
    code,
  });
  const target = new LambdaFunction(stack, 'Target', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code });
  new HttpApi(stack, 'Api', {
    functions: [{ declaration: { id: 'things-get', routes: [{ method: 'GET', path: '/things' }], permission: 'viewer' }, function: target }],
    authorizer: apiAuthorizer.authorizer,
  });
  return { stack, apiAuthorizer, tables, jwksSecret, template: Template.fromStack(stack) };
}

describe('ApiAuthorizer', () => {
  it('is a REQUEST authorizer with simple responses, payload 2.0, no identity source and no API Gateway cache', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: [],
    });
  });

  it('runs the authorizer bundle with the identity provider and revocation settings', () => {
    const { stack, apiAuthorizer, tables, jwksSecret, template } = synth();
    const props = template.findResources('AWS::Lambda::Function')[stack.resolve(apiAuthorizer.function.function.functionArn)['Fn::GetAtt'][0]]?.Properties;
    expect(props).toMatchObject({
      Timeout: 5,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'auth-authorizer',
          AUTH_JWKS_SECRET_ARN: stack.resolve(jwksSecret.secretArn),
          AUTH_ISSUER: identityProvider.issuer,
          AUTH_AUDIENCE: 'client-1',
          API_KEYS_TABLE_NAME: stack.resolve(tables.tables[apiKeysTable.id]!.tableName),
          [revocationsTable.envVar]: stack.resolve(tables.tables[revocationsTable.id]!.tableName),
        },
      },
    });
    // No Redis configured: the functions fall back to the local default and fail open.
    expect(props.Environment.Variables).not.toHaveProperty('REDIS_URL');
    // The keys come from the copy only: no fetch of the identity provider's URL.
    expect(props.Environment.Variables).not.toHaveProperty('AUTH_JWKS_URL');
  });

  it('passes the Redis and the subnets it is given to the function', () => {
    const stack = new Stack(new App(), 'Vpc');
    const vpc = new Vpc(stack, 'Vpc', {
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC },
        { name: 'egress', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    const securityGroup = new SecurityGroup(stack, 'Functions', { vpc });
    const apiAuthorizer = new ApiAuthorizer(stack, 'Authorizer', {
      declaration,
      tables: new Tables(stack, 'Tables', { designs: [apiKeysTable, revocationsTable] }),
      identityProvider,
      jwksSecret: new Secret(stack, 'Jwks'),
      redis: { url: 'rediss://cache:6379' },
      network: { vpc, subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [securityGroup] },
      code,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REDIS_URL: 'rediss://cache:6379' }) },
      VpcConfig: {
        SubnetIds: vpc.privateSubnets.map((subnet) => stack.resolve(subnet.subnetId)),
        SecurityGroupIds: [stack.resolve(securityGroup.securityGroupId)],
      },
    });
    expect(apiAuthorizer.function.function.isBoundToVpc).toBe(true);
  });

  it('may read single API keys and revocations and nothing else in DynamoDB', () => {
    const { stack, apiAuthorizer, tables, template } = synth();
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [stack.resolve(apiAuthorizer.function.role.roleName)] } });
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const dynamo = statements.filter((statement) => [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      expect.objectContaining({ Action: 'dynamodb:GetItem', Resource: stack.resolve(tables.tables[apiKeysTable.id]!.tableArn) }),
      expect.objectContaining({ Action: 'dynamodb:GetItem', Resource: stack.resolve(tables.tables[revocationsTable.id]!.tableArn) }),
    ]);
  });

  it('may be invoked by API Gateway as an authorizer of this API', () => {
    synth().template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/authorizers/')])] },
    });
  });
});
