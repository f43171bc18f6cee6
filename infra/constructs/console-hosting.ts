import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '../../web/src/runtime-config.js';
import { WEB_BUNDLE_DIR } from '../build/bundle-web.js';
import { consoleContentSecurityPolicy } from '../build/console-browser-policy.js';
import { accessLogBucket } from './access-log-bucket.js';

/** The console's runtime config file, beside its page (web/src/runtime-config.ts reads it). */
export const CONSOLE_CONFIG_FILE = 'config.json';

export interface ConsoleHostingProps {
  /**
   * What the console reads from `config.json`, given the console's origin (the Cognito
   * callback URL is on it). Deploy-time values (tokens) are fine.
   */
  readonly runtimeConfig: (origin: string) => RuntimeConfig;
  /**
   * Origins the page may call besides its own (CSP `connect-src`): the API, the hosted UI's
   * token endpoint, the imports bucket.
   * @default - none
   */
  readonly connectSources?: readonly string[];
  /**
   * The built console (`npm run build`).
   * @default WEB_BUNDLE_DIR (`.build/web`)
   */
  readonly webDir?: string;
  /**
   * A domain of your own: its names on the distribution and its certificate (ACM, us-east-1).
   * @default - the distribution's `*.cloudfront.net` name
   */
  readonly domain?: { readonly names: readonly [string, ...string[]]; readonly certificate: ICertificate };
  /** @default PriceClass.PRICE_CLASS_100 (North America and Europe edges) */
  readonly priceClass?: PriceClass;
  /**
   * Applied to both buckets (files and logs) and the deployment's log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Empty both buckets when they are deleted (throw-away stages; needs `removalPolicy` DESTROY).
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
}

/**
 * The web console in AWS: its files in a private bucket that only this distribution reads
 * (origin access control), served over HTTPS only with the console's CSP and security headers,
 * every unknown path answered with the page (SPA fallback), and `config.json` generated at
 * deploy time. Access logs of the bucket and the distribution go to a log bucket.
 */
export class ConsoleHosting extends Construct {
  public readonly bucket: Bucket;
  /** Server access logs of {@link bucket} (`console-bucket/`) and the distribution's (`cloudfront/`). */
  public readonly logs: Bucket;
  public readonly distribution: Distribution;
  public readonly responseHeaders: ResponseHeadersPolicy;
  public readonly deployment: BucketDeployment;
  /** `https://<domain>`, no trailing slash: the browser origin for CORS and the Cognito callback. */
  public readonly origin: string;
  /** The console's URL (`origin` + `/`). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = props.autoDeleteObjects ?? false;
    if (autoDeleteObjects && removalPolicy !== RemovalPolicy.DESTROY) throw new Error('autoDeleteObjects needs removalPolicy DESTROY');

    this.logs = accessLogBucket(this, 'Logs', {
      removalPolicy,
      autoDeleteObjects,
      receives: 'the console bucket’s and the distribution’s access logs',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy,
      autoDeleteObjects,
    });

    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Records console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(props.connectSources), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
        ],
      },
    });

    // The page is the answer to every path the bucket does not hold (a private bucket says 403).
    const spaFallback = [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) }));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Records console (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      errorResponses: spaFallback,
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain ? { domainNames: [...props.domain.names], certificate: props.domain.certificate } : {}),
    });
    this.acknowledgeDistribution(props.domain !== undefined);

    this.origin = `https://${props.domain ? props.domain.names[0] : this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;

    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [
        Source.asset(props.webDir ?? WEB_BUNDLE_DIR, { exclude: ['*.map', CONSOLE_CONFIG_FILE] }),
        Source.jsonData(CONSOLE_CONFIG_FILE, props.runtimeConfig(this.origin)),
      ],
      destinationBucket: this.bucket,
      // File names are not hashed: the edge revalidates each one (ETag) rather than keep a stale console.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
      logGroup: deploymentLogs,
    });
    this.acknowledgeDeploymentHandler();
  }

  private acknowledgeDistribution(ownDomain: boolean): void {
    const acks: Record<string, string> = {
      'AwsSolutions-CFR1':
        'The console is for the staff of the records platform wherever they are; who may use it is decided by sign-in (Cognito, MFA) and the API’s roles, not by country.',
      'AwsSolutions-CFR2':
        'The distribution serves a few static files (no origin logic, no forms posted to it); the API it calls has its own throttling and rate limits. A WAF web ACL (us-east-1) would add cost without covering a surface of this origin.',
    };
    if (!ownDomain) {
      acks['AwsSolutions-CFR4'] =
        'Without a domain of its own the distribution uses the default *.cloudfront.net certificate, whose viewer TLS policy CloudFront fixes (TLSv1); give the construct a domain and certificate to get TLSv1.2_2021.';
    }
    for (const [id, reason] of Object.entries(acks)) Validations.of(this.distribution).acknowledge({ id, reason });
  }

  /**
   * BucketDeployment runs a stack-wide singleton Lambda (aws-cdk-lib's, not configurable) at
   * deploy time; of cdk-nag's rules it fails the managed execution policy, its wildcard grants
   * on the asset and destination buckets and the invalidation, and a runtime CDK pins.
   */
  private acknowledgeDeploymentHandler(): void {
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('no CDKBucketDeployment handler in the stack');
    const acks: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'CDK’s BucketDeployment handler (a deploy-time custom resource) creates its own role with the managed basic execution policy; aws-cdk-lib offers no way to pass another. It runs only when CloudFormation deploys the console.',
      'AwsSolutions-L1':
        'The BucketDeployment handler’s runtime is pinned by aws-cdk-lib (it ships with the handler code) and moves with aws-cdk-lib upgrades; it runs only at deploy time.',
    };
    const copyReason =
      'CDK’s BucketDeployment handler reads the asset from the bootstrap bucket and replaces every object of the console bucket (aws-cdk-lib’s grant: GetObject*, List*, DeleteObject*, Abort* on <bucket>/*); nothing else is in either scope.';
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'])
      acks[`AwsSolutions-IAM5[Action::${action}]`] = copyReason;
    acks[`AwsSolutions-IAM5[Resource::${this.assetBucketArnAsNagPrintsIt()}/*]`] = copyReason;
    acks[`AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`] = copyReason;
    acks['AwsSolutions-IAM5[Resource::*]'] =
      'cloudfront:CreateInvalidation and GetInvalidation, which the BucketDeployment handler calls to invalidate this distribution after a deploy; aws-cdk-lib writes them on *, with no way to scope them.';
    for (const [id, reason] of Object.entries(acks)) Validations.of(handler).acknowledge({ id, reason });
  }

  /** The CDK bootstrap bucket's ARN as cdk-nag prints it (`<AWS::AccountId>` in an environment-agnostic stack). */
  private assetBucketArnAsNagPrintsIt(): string {
    const stack = Stack.of(this);
    const qualifier = (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    // A stack with a region of its own (the app stack with -c waf=true) spells its partition out.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    return `arn:${partition}:s3:::cdk-${qualifier}-assets-${account}-${region}`;
  }
}
