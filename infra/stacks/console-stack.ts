import { Aws, NestedStack, type RemovalPolicy } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { ConsoleHosting } from '../constructs/console-hosting.js';
import type { IdentityProvider } from '../constructs/identity-provider.js';

export interface ConsoleStackProps {
  /** The stack's user pool: the console signs in through its hosted UI, with a client of its own. */
  readonly identityProvider: IdentityProvider;
  /** The API's base URL (`HttpApi.url`, or `https://<custom domain>`); `/api/v1/…` is appended. */
  readonly apiUrl: string;
  /**
   * Where the page may send uploads and follow large exports (CSP `connect-src`). Not the
   * imports bucket's own name: that bucket's CORS rule names this stack's origin, and a
   * reference each way would be a cycle.
   * @default - any bucket's virtual-hosted S3 endpoint in the stack's region
   */
  readonly bucketOrigins?: readonly string[];
  /** @default - the distribution's `*.cloudfront.net` name */
  readonly domain?: { readonly names: readonly [string, ...string[]]; readonly certificate: ICertificate };
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default false */
  readonly autoDeleteObjects?: boolean;
  /** @default `.build/web` */
  readonly webDir?: string;
}

/**
 * The web console in AWS, as a nested stack of its own (the app stack is near
 * CloudFormation's 500 resources): the hosting (private bucket, CloudFront, config.json) and
 * the Cognito app client whose callback is the distribution. Its `origin` belongs in the API's
 * and the imports bucket's CORS origins; its client joins the authorizer's audience by itself.
 */
export class ConsoleStack extends NestedStack {
  public readonly hosting: ConsoleHosting;
  public readonly client: UserPoolClient;
  /** `https://<domain>` of the console. */
  public readonly origin: string;
  /** The console's URL, for the stack outputs. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, { description: 'Records web console: S3 + CloudFront hosting and its Cognito app client' });
    const idp = props.identityProvider;
    const hostedUi = idp.domain.baseUrl();
    const bucketOrigins = props.bucketOrigins ?? [`https://*.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`, `https://*.s3.${Aws.URL_SUFFIX}`];
    let client: UserPoolClient | undefined;
    this.hosting = new ConsoleHosting(this, 'Hosting', {
      connectSources: [props.apiUrl, hostedUi, ...bucketOrigins],
      // The client needs the distribution's origin (its callback URL), config.json the client's id.
      runtimeConfig: (origin) => {
        client = idp.addConsoleClient(this, 'Client', { origin });
        return { mode: 'cognito', apiBaseUrl: props.apiUrl, cognito: { domain: hostedUi, clientId: client.userPoolClientId, redirectUri: `${origin}/` } };
      },
      ...(props.domain ? { domain: props.domain } : {}),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
      ...(props.autoDeleteObjects !== undefined ? { autoDeleteObjects: props.autoDeleteObjects } : {}),
      ...(props.webDir ? { webDir: props.webDir } : {}),
    });
    this.client = client!;
    this.origin = this.hosting.origin;
    this.url = this.hosting.url;
  }
}
