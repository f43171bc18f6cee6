import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import type { IdentityProviderConfig } from './identity-provider.js';
import { ServiceFunction, type TableCatalog } from './service-function.js';

export interface JwksCopyProps {
  /** The copier's registry entry (`jwksCopier` in `shared/registry.ts`: `jwksSecret: 'write'`, `scheduleMinutes`). */
  readonly declaration: LambdaDeclaration;
  readonly tables: TableCatalog;
  readonly identityProvider: IdentityProviderConfig;
  /**
   * Runs after this many failed runs in a row (the previous copy is kept meanwhile).
   * @default 3
   */
  readonly failuresToAlarm?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default - the esbuild bundle of the declaration */
  readonly code?: Code;
}

/**
 * The identity provider's JWKS, copied into a Secrets Manager secret by a scheduled function
 * outside the VPC, so that the authorizer reads it through the Secrets Manager endpoint and
 * the VPC needs no NAT gateway (docs/security.md, "JWKS copy"). The copier writes only a
 * validated key set and keeps the previous one when a fetch fails; an alarm fires after
 * `failuresToAlarm` failed runs in a row (call `addAlarmAction`).
 */
export class JwksCopy extends Construct {
  public readonly secret: Secret;
  public readonly copier: ServiceFunction<LambdaDeclaration>;
  public readonly schedule: Rule;
  public readonly failures: Alarm;

  constructor(scope: Construct, id: string, props: JwksCopyProps) {
    super(scope, id);
    const minutes = props.declaration.scheduleMinutes;
    if (props.declaration.jwksSecret !== 'write' || !minutes)
      throw new Error(`${props.declaration.id}: a JWKS copier declares jwksSecret 'write' and scheduleMinutes`);
    this.secret = new Secret(this, 'Secret', {
      description: "Copy of the identity provider's JWKS (public keys), read by the API authorizer",
      // Placeholder until the first run: the authorizer refuses an empty key set (503), never trusts it.
      secretStringValue: SecretValue.unsafePlainText('{"keys":[]}'),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Public keys, rewritten by the copier whenever the identity provider rotates them; there is nothing to rotate here.',
    });
    this.copier = new ServiceFunction(this, 'Copier', {
      declaration: props.declaration,
      tables: props.tables,
      identityProvider: props.identityProvider,
      jwksSecret: this.secret,
      logRemovalPolicy: props.removalPolicy,
      code: props.code,
    });
    this.schedule = new Rule(this, 'Schedule', {
      description: `Copies the identity provider's JWKS every ${minutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(minutes)),
      targets: [new LambdaTarget(this.copier.function, { retryAttempts: 2 })],
    });
    const failuresToAlarm = props.failuresToAlarm ?? 3;
    this.failures = new Alarm(this, 'FailuresAlarm', {
      alarmDescription: `The JWKS copy failed ${failuresToAlarm} runs in a row: the authorizer verifies with the last copied keys, and refuses tokens signed by a rotated key (see docs/security.md, "JWKS copy").`,
      metric: this.copier.function.metricErrors({ period: Duration.minutes(minutes), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: failuresToAlarm,
      datapointsToAlarm: failuresToAlarm,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  addAlarmAction(...actions: IAlarmAction[]): void {
    this.failures.addAlarmAction(...actions);
  }
}
