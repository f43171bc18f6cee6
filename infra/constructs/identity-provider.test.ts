import { App, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IdentityProvider, type IdentityProviderProps } from './identity-provider.js';

function synth(props: IdentityProviderProps = {}) {
  const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1', account: '123456789012' } });
  const idp = new IdentityProvider(stack, 'Idp', props);
  return { stack, idp, template: Template.fromStack(stack) };
}

describe('IdentityProvider', () => {
  it('gives the app client no OAuth flows, so the implicit flow is not allowed', () => {
    const clients = synth().template.findResources('AWS::Cognito::UserPoolClient');
    const [client] = Object.values(clients);
    expect(client?.Properties.AllowedOAuthFlows).toBeUndefined();
    expect(client?.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client?.Properties.CallbackURLs).toBeUndefined();
  });

  it('creates a pool of admin-created users with MFA required and a strong password policy', () => {
    synth().template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has one group per role, admin taking precedence over staff over viewer', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 3);
    const precedence = Object.fromEntries(
      Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((group) => [group.Properties.GroupName, group.Properties.Precedence]),
    );
    expect(precedence).toEqual({ admin: 0, staff: 1, viewer: 2 });
  });

  it('has an app client without secret, SRP sign-in, token revocation and one-hour tokens', () => {
    synth().template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
    });
  });

  it('names the issuer, its JWKS and the client id as the audience', () => {
    const { stack, idp } = synth();
    const poolId = stack.resolve(idp.userPool.userPoolId);
    expect(stack.resolve(idp.config.issuer)).toEqual({ 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/', poolId]] });
    expect(stack.resolve(idp.config.jwksUrl)['Fn::Join'][1].at(-1)).toBe('/.well-known/jwks.json');
    expect(stack.resolve(idp.config.audience)).toEqual(stack.resolve(idp.client.userPoolClientId));
  });

  it('has a hosted-UI domain named after the stack and the account', () => {
    synth().template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'test-123456789012' });
    synth({ hostedUiDomainPrefix: 'records-dev' }).template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'records-dev' });
  });

  it('adds a console client: public, authorization code grant only, OpenID scopes, the console root as callback and logout URL', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1', account: '123456789012' } });
    const idp = new IdentityProvider(stack, 'Idp');
    const other = new NestedStack(stack, 'Console');
    const client = idp.addConsoleClient(other, 'ConsoleClient', { origin: 'https://d111.cloudfront.net' });
    const template = Template.fromStack(other);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://d111.cloudfront.net/'],
      LogoutURLs: ['https://d111.cloudfront.net/'],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
    });
    expect(client.stack).toBe(other);
  });

  it('accepts the tokens of every client: the console client joins the audience', () => {
    const stack = new Stack(new App(), 'Test');
    const idp = new IdentityProvider(stack, 'Idp');
    const client = idp.addConsoleClient(stack, 'ConsoleClient', { origin: 'https://console.example.org' });
    expect(stack.resolve(idp.config.audience)).toEqual({
      'Fn::Join': ['', [stack.resolve(idp.client.userPoolClientId), ',', stack.resolve(client.userPoolClientId)]],
    });
  });

  it('drops deletion protection when the pool is meant to be destroyed', () => {
    synth({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
    });
  });
});
