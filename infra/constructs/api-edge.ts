import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi as HttpApiL2 } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogBucket } from './access-log-bucket.js';

export interface ApiEdgeProps {
  /** The HTTP API the distribution forwards to (its execute-api host). */
  readonly api: HttpApiL2;
  /** ARN of a `CLOUDFRONT`-scope WAFv2 web ACL (us-east-1), e.g. `EdgeWebAcl.arn` through a cross-region reference. */
  readonly webAclArn: string;
  /** @default PriceClass.PRICE_CLASS_100 (North America and Europe edges) */
  readonly priceClass?: PriceClass;
  /**
   * Applied to the access-log bucket.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default false */
  readonly autoDeleteObjects?: boolean;
}

/**
 * CloudFront in front of the HTTP API, which WAF cannot protect directly: nothing cached, every
 * method, every viewer header but Host (the origin must see its own execute-api host), query
 * string and cookie forwarded (managed `AllViewerExceptHostHeader`), HTTPS only to the viewer and
 * TLS 1.2 to the origin; the web ACL associated; access logs in a bucket of their own.
 */
export class ApiEdge extends Construct {
  public readonly distribution: Distribution;
  /** CloudFront's standard logs (`api-edge/`). */
  public readonly logs: Bucket;
  /** `https://<distribution>/`: the base URL clients use instead of the execute-api one. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logs = accessLogBucket(this, 'Logs', {
      removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects ?? false,
      receives: 'the API distribution’s access logs',
    });

    const originHost = `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Records API edge (${stack.stackName})`,
      defaultBehavior: {
        origin: new HttpOrigin(originHost, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          // The functions' own time budget is 10 s (30 s for the slowest); CloudFront's default read timeout is 30 s.
          readTimeout: Duration.seconds(30),
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        // An API client must not be redirected (a POST would become a GET): plain HTTP gets 403.
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        compress: false,
      },
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'api-edge/',
    });
    const acks: Record<string, string> = {
      'AwsSolutions-CFR1':
        'The API serves the platform’s staff and integrations wherever they are; who may call it is decided by the authorizer (Cognito JWT or API key) and the roles, not by country. The web ACL’s rate rule limits every source.',
      'AwsSolutions-CFR4':
        'The distribution has no domain of its own (not offered yet), so it uses the default *.cloudfront.net certificate, whose viewer TLS policy CloudFront fixes (TLSv1; modern clients negotiate TLS 1.2/1.3); the origin leg is TLS 1.2 only.',
    };
    for (const [rule, reason] of Object.entries(acks)) Validations.of(this.distribution).acknowledge({ id: rule, reason });
    this.url = `https://${this.distribution.distributionDomainName}/`;
  }
}
