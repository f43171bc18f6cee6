import { App, type AppProps, Aspects, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogRetentionAspect } from '../constructs/log-retention.js';
import { RecordsStack } from './records-stack.js';
import { stageConfigFrom } from './stage-config.js';

/**
 * The deployable app: one `RecordsPlatform-<stage>` stack (`-c stage=…`, default `dev`; see
 * docs/deploy.md) checked by cdk-nag's AwsSolutions pack. Shared by `infra/app.ts` and the
 * infra tests so that both synthesize the same thing.
 */
export function createRecordsApp(props: AppProps = {}): { app: App; stack: RecordsStack } {
  const app = new App(props);
  const stage = stageConfigFrom((key) => app.node.tryGetContext(key));
  const stack = new RecordsStack(app, stage.stackName, {
    description: `Records platform (${stage.stage}): HTTP API with a Lambda authorizer, Cognito user pool, Lambda functions, DynamoDB tables and an ElastiCache Serverless (Valkey) cache in a VPC`,
    terminationProtection: stage.terminationProtection,
    removalPolicy: stage.removalPolicy,
    autoDeleteObjects: stage.autoDeleteObjects,
    allowedOrigins: stage.allowedOrigins,
    metricsNamespace: stage.metricsNamespace,
    throttleRateLimit: stage.throttleRateLimit,
    throttleBurstLimit: stage.throttleBurstLimit,
    redisUrl: stage.redisUrl,
    domain: stage.domain,
    alarmEmail: stage.alarmEmail,
    notifications: stage.notifications,
    console: stage.console,
  });
  for (const [key, value] of Object.entries(stage.tags)) Tags.of(stack).add(key, value);
  Aspects.of(stack).add(new LogRetentionAspect(stage.logRetention));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
