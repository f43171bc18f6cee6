import { App, type AppProps, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RecordsStack } from './records-stack.js';

/** Context values accepted by `-c removalPolicy=...`. */
const REMOVAL_POLICIES: Record<string, RemovalPolicy> = {
  retain: RemovalPolicy.RETAIN,
  destroy: RemovalPolicy.DESTROY,
};

/**
 * The deployable app: the `RecordsPlatform` stack checked by cdk-nag's AwsSolutions pack.
 * Shared by `infra/app.ts` and the infra tests so that both synthesize the same thing.
 */
export function createRecordsApp(props: AppProps = {}): { app: App; stack: RecordsStack } {
  const app = new App(props);
  const stack = new RecordsStack(app, 'RecordsPlatform', {
    description:
      'Records platform: HTTP API with a Lambda authorizer, Cognito user pool, Lambda functions, DynamoDB tables and an ElastiCache Serverless (Valkey) cache in a VPC',
    removalPolicy: removalPolicyFrom(app.node.tryGetContext('removalPolicy')),
    redisUrl: app.node.tryGetContext('redisUrl'),
    alarmEmail: app.node.tryGetContext('alarmEmail'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

function removalPolicyFrom(value: unknown): RemovalPolicy {
  if (value === undefined) return RemovalPolicy.RETAIN;
  const policy = typeof value === 'string' ? REMOVAL_POLICIES[value.toLowerCase()] : undefined;
  if (!policy) throw new Error(`context removalPolicy must be one of ${Object.keys(REMOVAL_POLICIES).join(', ')}`);
  return policy;
}
