import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { authorizer, jwksCopier } from '../../shared/registry.js';
import { JwksCopy } from './jwks-copy.js';
import { Tables } from './tables.js';

const code = Code.fromInline('export const handler = async () => ({});');
const identityProvider = { jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json', issuer: 'https://idp', audience: 'client-1' };

function synth(declaration = jwksCopier) {
  const stack = new Stack(new App(), 'Test');
  const jwksCopy = new JwksCopy(stack, 'JwksCopy', { declaration, tables: new Tables(stack, 'Tables', { designs: [] }), identityProvider, code });
  return { stack, jwksCopy, template: Template.fromStack(stack) };
}

describe('JwksCopy', () => {
  it('starts the secret with an empty key set (which the authorizer refuses), not a generated value', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: '{"keys":[]}', GenerateSecretString: Match.absent() });
  });

  it('runs the copier outside any VPC with the source URL and the secret, on its declared schedule', () => {
    const { stack, jwksCopy, template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.absent(),
      Environment: {
        Variables: Match.objectLike({ JWKS_SOURCE_URL: identityProvider.jwksUrl, AUTH_JWKS_SECRET_ARN: stack.resolve(jwksCopy.secret.secretArn) }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: `rate(${jwksCopier.scheduleMinutes} minutes)` });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: stack.resolve(jwksCopy.secret.secretArn) },
        ]),
      },
    });
  });

  it('alarms on consecutive failed runs only', () => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('refuses a declaration that is not a scheduled JWKS writer', () => {
    expect(() => synth(authorizer)).toThrow(/jwksSecret 'write' and scheduleMinutes/);
  });
});
