import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { flagDeclarations } from '../../shared/flags/flag-declarations.js';
import { flagsDocumentSchema } from '../../shared/flags/flag-rules.js';
import { FeatureFlags, featureFlagsDocument } from './feature-flags.js';

function synth() {
  const stack = new Stack(new App(), 'Test');
  const flags = new FeatureFlags(stack, 'Flags', { declarations: flagDeclarations, environmentName: 'prod', maxAgeSeconds: 30 });
  const fn = new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => {}'),
  });
  flags.grantRead(fn);
  return { stack, flags, template: Template.fromStack(stack) };
}

describe('FeatureFlags', () => {
  it('creates an application, an environment and a feature-flag profile deployed with a linear strategy', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::AppConfig::Application', 1);
    template.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'prod' });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Name: 'feature-flags',
      Type: 'AWS.AppConfig.FeatureFlags',
      LocationUri: 'hosted',
    });
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      GrowthType: 'LINEAR',
      GrowthFactor: 20,
      DeploymentDurationInMinutes: 5,
      FinalBakeTimeInMinutes: 5,
    });
    template.resourceCountIs('AWS::AppConfig::Deployment', 1);
  });

  it('publishes one flag per declaration with the rule attributes, starting at the declared defaults', () => {
    const { template } = synth();
    const [version] = Object.values(template.findResources('AWS::AppConfig::HostedConfigurationVersion'));
    const document = JSON.parse(version!.Properties.Content);
    expect(Object.keys(document.flags)).toEqual(flagDeclarations.map((flag) => flag.name));
    expect(Object.keys(document.flags.sms_for_important.attributes).sort()).toEqual(['allow', 'deny', 'percentage', 'roles', 'variant']);
    expect(document.values).toEqual(Object.fromEntries(flagDeclarations.map((flag) => [flag.name, { enabled: flag.default }])));
  });

  it('yields, once AppConfig evaluates it, values our rules schema accepts', () => {
    // What GetLatestConfiguration returns for a feature-flag profile: each flag's `enabled` plus its set attributes.
    const document = featureFlagsDocument(flagDeclarations);
    const retrieved = Object.fromEntries(
      Object.entries(document.values).map(([name, value]) => [name, { ...(value as object), allow: ['u1'], percentage: 10 }]),
    );
    expect(flagsDocumentSchema.safeParse(retrieved).success).toBe(true);
  });

  it('lets a function read this profile only, and tells it where the flags are', () => {
    const { stack, flags, template } = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
            Resource: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/configuration/$')])]) }),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          FLAGS_APPCONFIG_APPLICATION: stack.resolve(flags.application.applicationId),
          FLAGS_APPCONFIG_ENVIRONMENT: stack.resolve(flags.environment.environmentId),
          FLAGS_APPCONFIG_PROFILE: stack.resolve(flags.configuration.configurationProfileId),
          FLAGS_MAX_AGE_SECONDS: '30',
        },
      },
    });
  });
});
