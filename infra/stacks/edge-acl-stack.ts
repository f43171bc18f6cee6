import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EdgeWebAcl } from '../constructs/edge-web-acl.js';

export interface EdgeAclStackProps extends Omit<StackProps, 'env'> {
  /** The account of the app stack (a web ACL is only associated within its account). @default - the CLI's */
  readonly account?: string;
  /** @default DEFAULT_WAF_RATE_LIMIT */
  readonly rateLimit?: number;
}

/**
 * `RecordsPlatform-<stage>-edge-acl`: the API distribution's web ACL. CloudFront only takes
 * web ACLs of `CLOUDFRONT` scope, which live in us-east-1 whatever the app's region, hence a
 * stack of its own; the app stack reads the ARN through a cross-region reference.
 */
export class EdgeAclStack extends Stack {
  public readonly acl: EdgeWebAcl;

  constructor(scope: Construct, id: string, props: EdgeAclStackProps = {}) {
    super(scope, id, {
      ...props,
      env: { region: 'us-east-1', ...(props.account ? { account: props.account } : {}) },
      crossRegionReferences: true,
    });
    this.acl = new EdgeWebAcl(this, 'EdgeWebAcl', { ...(props.rateLimit ? { rateLimit: props.rateLimit } : {}) });
    new CfnOutput(this, 'WebAclArn', { value: this.acl.arn, description: 'The web ACL of the API distribution (-c wafWebAclArn=… reuses it)' });
  }
}
