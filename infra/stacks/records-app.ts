import { App, type AppProps, Aspects, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogRetentionAspect } from '../constructs/log-retention.js';
import { EdgeAclStack } from './edge-acl-stack.js';
import { RecordsStack } from './records-stack.js';
import { stageConfigFrom } from './stage-config.js';

/**
 * The deployable app: one `RecordsPlatform-<stage>` stack (`-c stage=…`, default `dev`; see
 * docs/deploy.md) checked by cdk-nag's AwsSolutions pack. Shared by `infra/app.ts` and the
 * infra tests so that both synthesize the same thing.
 */
export function createRecordsApp(props: AppProps = {}): { app: App; stack: RecordsStack; edgeAcl?: EdgeAclStack } {
  const app = new App(props);
  const stage = stageConfigFrom((key) => app.node.tryGetContext(key));
  // -c waf=true without an ACL of your own: the ACL gets a us-east-1 stack, read across regions,
  // which needs the app stack's region at synthesis (the account stays agnostic: same AZs, same VPC).
  const edgeAcl =
    stage.waf && !stage.waf.webAclArn
      ? new EdgeAclStack(app, `${stage.stackName}-edge-acl`, {
          description: `Records platform (${stage.stage}): the AWS WAF web ACL (CLOUDFRONT scope) of the API's CloudFront distribution`,
          rateLimit: stage.waf.rateLimit,
          terminationProtection: stage.terminationProtection,
        })
      : undefined;
  const region = edgeAcl ? regionOf(app) : undefined;
  const stack = new RecordsStack(app, stage.stackName, {
    ...(region ? { env: { region }, crossRegionReferences: true } : {}),
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
    ...(stage.waf ? { waf: { webAclArn: stage.waf.webAclArn ?? edgeAcl!.acl.arn } } : {}),
  });
  for (const tagged of [stack, ...(edgeAcl ? [edgeAcl] : [])]) for (const [key, value] of Object.entries(stage.tags)) Tags.of(tagged).add(key, value);
  Aspects.of(stack).add(new LogRetentionAspect(stage.logRetention));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, ...(edgeAcl ? { edgeAcl } : {}) };
}

/** `-c region=…`, else the region the CDK CLI resolved (profile, `AWS_REGION`). */
function regionOf(app: App): string {
  const region = (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION;
  if (!region)
    throw new Error('-c waf=true creates its web ACL in us-east-1 and needs the app stack’s region: set AWS_REGION (or a profile’s), or -c region=…');
  return region;
}
