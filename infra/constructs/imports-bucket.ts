import { type CfnResource, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { importTrigger, importTriggerFilters } from '../../shared/import/import-trigger.js';
import { BUCKET_EXPOSED_HEADERS } from '../build/console-browser-policy.js';
import type { ServiceFunction } from './service-function.js';

/** Where large exports land (`largeExports` functions); expired like the import reports. */
export const EXPORTS_PREFIX = 'exports/';
/** Where import jobs write their error reports. */
export const REPORTS_PREFIX = 'reports/';
/** What a `largeExports` function does under `exports/`: a multipart upload, then presigned GETs. */
export const EXPORT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'];

/** Why an object ARN ending in `<prefix>*` (cdk-nag IAM5) is least privilege. */
const IAM5_PREFIX_REASON = 'object-level actions scoped to the declared key prefix';

export interface ImportsBucketProps {
  /** The function the declared import trigger invokes (its declaration names `s3Trigger`). */
  readonly importFunction: ServiceFunction<LambdaDeclaration>;
  /** Every function of the stack: those whose declaration names the bucket or `largeExports` get env and grants. */
  readonly functions: readonly ServiceFunction<LambdaDeclaration>[];
  /**
   * How long import reports (`reports/`) and large exports (`exports/`) live.
   * @default Duration.days(30)
   */
  readonly generatedFilesExpiration?: Duration;
  /**
   * Applied to the bucket and its access-log bucket.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Empty both buckets when they are deleted, so that a throw-away stage can be torn down
   * (S3 refuses to delete a bucket that holds objects). Needs `removalPolicy` DESTROY.
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
}

/**
 * The imports bucket of issue 9: uploads under `imports/{entity}/` start import jobs (one S3
 * notification per declared suffix), import reports and large exports live under `reports/`
 * and `exports/` and expire. Functions get the bucket's name and exactly the object actions
 * their declarations list, on exactly the declared key prefixes.
 */
export class ImportsBucket extends Construct {
  public readonly bucket: Bucket;
  /** Server access logs of {@link bucket}. */
  public readonly accessLogs: Bucket;
  /** Log groups of CDK's deploy-time handlers for these buckets (notifications, auto-delete). */
  public readonly handlerLogs: readonly LogGroup[];

  constructor(scope: Construct, id: string, props: ImportsBucketProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const expiration = props.generatedFilesExpiration ?? Duration.days(30);
    const autoDeleteObjects = props.autoDeleteObjects ?? false;
    if (autoDeleteObjects && removalPolicy !== RemovalPolicy.DESTROY) throw new Error('autoDeleteObjects needs removalPolicy DESTROY');

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // The S3 log delivery service writes only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the destination of the imports bucket server access logs; logging its own accesses ' +
        'would need yet another bucket (or log into itself, which S3 advises against as it loops).',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'imports-bucket/',
      lifecycleRules: [
        { id: 'expire-reports', prefix: REPORTS_PREFIX, expiration },
        { id: 'expire-exports', prefix: EXPORTS_PREFIX, expiration },
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects,
    });

    const declaration = props.importFunction.declaration;
    if (declaration.s3Trigger !== importTrigger.bucket) {
      throw new Error(`${declaration.id}: is not triggered by the '${importTrigger.bucket}' bucket`);
    }
    const destination = new LambdaDestination(props.importFunction.function);
    for (const filter of importTriggerFilters()) {
      this.bucket.addEventNotification(EventType.OBJECT_CREATED, destination, { prefix: filter.prefix, suffix: filter.suffix });
    }
    this.acknowledgeNotificationsHandler();
    this.handlerLogs = this.createHandlerLogGroups(removalPolicy);

    for (const fn of new Set([props.importFunction, ...props.functions])) this.grantDeclared(fn);
  }

  /**
   * Lets pages of these origins (the web console) PUT presigned uploads and read presigned
   * downloads: one CORS rule (GET, HEAD, PUT, any request header, the headers a script needs
   * exposed). CORS only lets the page read the answer; every request still needs its signature.
   *
   * A second rule answers GET and HEAD to any origin: a large export reaches the bucket as
   * the API's 303, and a browser sends `Origin: null` after a redirect from another origin
   * (the API's) to a third (the bucket). Those reads are presigned GETs, readable by whoever
   * holds the URL with or without CORS; no credentials (cookies) exist for S3 to leak.
   */
  public allowBrowserOrigins(origins: readonly string[]): void {
    const exposedHeaders = [...BUCKET_EXPOSED_HEADERS];
    this.bucket.addCorsRule({
      id: 'console',
      allowedOrigins: [...origins],
      allowedMethods: [HttpMethods.GET, HttpMethods.HEAD, HttpMethods.PUT],
      allowedHeaders: ['*'],
      exposedHeaders,
      maxAge: 3000,
    });
    this.bucket.addCorsRule({
      id: 'presigned-downloads-after-redirect',
      allowedOrigins: ['*'],
      allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
      exposedHeaders,
      maxAge: 3000,
    });
  }

  /** Env and object grants of one function, from its declaration; nothing for others (functions built after the bucket, e.g. consumers, call it themselves). */
  public grantDeclared(fn: ServiceFunction<LambdaDeclaration>): void {
    const grants = (fn.declaration.buckets ?? []).filter((grant) => grant.bucket === importTrigger.bucket);
    const scoped: { actions: string[]; prefix: string }[] = grants.flatMap((grant) =>
      grant.prefixes.map((prefix) => ({ actions: grant.actions.map((action) => `s3:${action}`), prefix })),
    );
    if (grants.length > 0) fn.function.addEnvironment(importTrigger.bucketEnv, this.bucket.bucketName);
    if (fn.declaration.largeExports) {
      fn.function.addEnvironment('EXPORTS_BUCKET', this.bucket.bucketName);
      scoped.push({ actions: EXPORT_ACTIONS, prefix: EXPORTS_PREFIX });
    }
    for (const { actions, prefix } of scoped) {
      const objects = this.bucket.arnForObjects(`${prefix}*`);
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [objects] }));
      Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${this.bucketArnAsSeenBy(fn)}/${prefix}*]`, reason: IAM5_PREFIX_REASON });
    }
  }

  /**
   * CDK's notifications handler (and the auto-delete provider, when on) log to
   * `/aws/lambda/<name>`, which Lambda would create on first use with no retention. Created
   * here, with the stack's retention and removal, before the custom resources that run them.
   */
  private createHandlerLogGroups(removalPolicy: RemovalPolicy): LogGroup[] {
    const stack = Stack.of(this);
    const handlers: { id: string; fn: CfnResource; users: IConstruct[] }[] = [];
    const notifications = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (notifications)
      handlers.push({
        id: 'NotificationsHandlerLogs',
        fn: notifications.node.findChild('Resource') as CfnResource,
        users: [this.bucket.node.findChild('Notifications')],
      });
    const autoDelete = stack.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (autoDelete) {
      const users = [this.bucket, this.accessLogs]
        .map((bucket) => bucket.node.tryFindChild('AutoDeleteObjectsCustomResource'))
        .filter((user): user is IConstruct => user !== undefined);
      handlers.push({ id: 'AutoDeleteHandlerLogs', fn: autoDelete.node.findChild('Handler') as CfnResource, users });
    }
    return handlers.map(({ id, fn, users }) => {
      const logs = new LogGroup(this, id, { logGroupName: `/aws/lambda/${fn.ref}`, retention: RetentionDays.ONE_MONTH, removalPolicy });
      for (const user of users) user.node.addDependency(logs);
      return logs;
    });
  }

  /**
   * The bucket ARN as cdk-nag prints it in the policy of `fn`'s role: a GetAtt in this stack, or
   * the parameter CDK passes into a nested stack (e.g. the Consumers stack's import-worker).
   */
  private bucketArnAsSeenBy(fn: ServiceFunction<LambdaDeclaration>): string {
    const own = Stack.of(this);
    // CDK names that parameter `referenceto<unique id of the referenced resource><attribute>`.
    return Stack.of(fn.role) === own ? `<${this.bucketLogicalId()}.Arn>` : `<referenceto${Names.uniqueId(this.bucket.node.defaultChild!)}Arn>`;
  }

  private bucketLogicalId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
  }

  /**
   * `addEventNotification` creates CDK's BucketNotificationsHandler, a stack-wide singleton
   * Lambda that puts the notification configuration on the bucket at deploy time. Of cdk-nag's
   * rules it fails only IAM4 (its role has the managed basic execution policy).
   */
  private acknowledgeNotificationsHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) throw new Error('no BucketNotificationsHandler in the stack');
    const acks: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'CDK’s BucketNotificationsHandler (a deploy-time custom resource) creates its own role with the managed basic ' +
        'execution policy (logs on any group) and aws-cdk-lib offers no way to pass another role; it runs only when ' +
        'CloudFormation creates or updates the notification configuration, with no input from users.',
    };
    for (const [id, reason] of Object.entries(acks)) Validations.of(handler).acknowledge({ id, reason });
  }
}
