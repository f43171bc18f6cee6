import { Stack } from 'aws-cdk-lib';
import {
  Application,
  ConfigurationContent,
  ConfigurationType,
  DeploymentStrategy,
  Environment,
  HostedConfiguration,
  RolloutStrategy,
} from 'aws-cdk-lib/aws-appconfig';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FlagDeclaration } from '../../shared/flags/flag-declarations.js';

export interface FeatureFlagsProps {
  /** Every declared flag: one AppConfig flag each, its initial value the declared default. */
  readonly declarations: readonly FlagDeclaration[];
  /**
   * AppConfig environment name (one per stage).
   * @default 'default'
   */
  readonly environmentName?: string;
  /**
   * Seconds a function reuses retrieved flags before asking AppConfig again (`FLAGS_MAX_AGE_SECONDS`).
   * @default 60
   */
  readonly maxAgeSeconds?: number;
}

const stringList = { constraints: { type: 'array', elements: { type: 'string' } } };

/**
 * The AppConfig side of feature flags: an application, an environment, a feature-flag
 * configuration profile whose flags and attributes (allow, deny, roles, percentage, variant —
 * the shape shared/flags/flag-rules.ts validates) come from the declarations, and a linear
 * deployment strategy. Operators change the values in AppConfig; a deploy that changes the
 * declarations publishes a new version with the declared defaults.
 */
export class FeatureFlags extends Construct {
  public readonly application: Application;
  public readonly environment: Environment;
  public readonly configuration: HostedConfiguration;
  public readonly deploymentStrategy: DeploymentStrategy;
  private readonly maxAgeSeconds: number;

  constructor(scope: Construct, id: string, props: FeatureFlagsProps) {
    super(scope, id);
    this.maxAgeSeconds = props.maxAgeSeconds ?? 60;
    this.application = new Application(this, 'Application', { description: `Feature flags of ${Stack.of(this).stackName}` });
    this.environment = new Environment(this, 'Environment', { application: this.application, environmentName: props.environmentName ?? 'default' });
    // 20 % more targets every minute, then 5 minutes of bake time before the rollout completes.
    this.deploymentStrategy = new DeploymentStrategy(this, 'Strategy', {
      rolloutStrategy: RolloutStrategy.linear({ growthFactor: 20, deploymentDuration: Duration.minutes(5), finalBakeTime: Duration.minutes(5) }),
    });
    this.configuration = new HostedConfiguration(this, 'Flags', {
      application: this.application,
      name: 'feature-flags',
      type: ConfigurationType.FEATURE_FLAGS,
      content: ConfigurationContent.fromInlineJson(JSON.stringify(featureFlagsDocument(props.declarations))),
      deploymentStrategy: this.deploymentStrategy,
      deployTo: [this.environment],
    });
  }

  /** The resource a session on this environment's flags names (what `grantRead` allows). */
  get sessionArn(): string {
    const { region, account } = Stack.of(this);
    return `arn:aws:appconfig:${region}:${account}:application/${this.application.applicationId}/environment/${this.environment.environmentId}/configuration/${this.configuration.configurationProfileId}`;
  }

  /** Lets a function read the flags (this profile only) and tells it where they are. */
  grantRead(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'], resources: [this.sessionArn] }),
    );
    fn.addEnvironment('FLAGS_APPCONFIG_APPLICATION', this.application.applicationId);
    fn.addEnvironment('FLAGS_APPCONFIG_ENVIRONMENT', this.environment.environmentId);
    fn.addEnvironment('FLAGS_APPCONFIG_PROFILE', this.configuration.configurationProfileId);
    fn.addEnvironment('FLAGS_MAX_AGE_SECONDS', String(this.maxAgeSeconds));
  }
}

/** The AWS.AppConfig.FeatureFlags document (format version 1) of the declarations. */
export function featureFlagsDocument(declarations: readonly FlagDeclaration[]) {
  const flags: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  for (const flag of declarations) {
    flags[flag.name] = {
      name: flag.name,
      description: flag.description,
      attributes: {
        allow: stringList,
        deny: stringList,
        roles: stringList,
        percentage: { constraints: { type: 'number', minimum: 0, maximum: 100 } },
        variant: { constraints: flag.type === 'variant' ? { type: 'string', enum: flag.variants } : { type: 'string' } },
      },
    };
    // A boolean flag starts at its default; a variant flag starts off (everyone gets the default variant).
    values[flag.name] = { enabled: flag.type === 'boolean' ? flag.default : false };
  }
  return { version: '1', flags, values };
}
