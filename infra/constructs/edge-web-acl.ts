import { Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Requests one source IP may send in any 5 minutes before the rate rule blocks it (WAF's window). */
export const DEFAULT_WAF_RATE_LIMIT = 2_000;

/** The rules of the web ACL, by name: the rate rule first (cheapest, and it stops floods before the rule groups). */
export const WAF_RULES = { rateLimit: 'RateLimitPerSourceIp', commonRuleSet: 'AWSManagedRulesCommonRuleSet' } as const;

/**
 * Rules of AWS's common rule set that would refuse what the API accepts: bodies over 8 KB (direct
 * uploads, bulk updates and queries; the functions cap their own bodies). They count instead of blocking.
 */
export const COMMON_RULE_SET_COUNT_ONLY = ['SizeRestrictions_BODY'] as const;

export interface EdgeWebAclProps {
  /**
   * Requests per source IP in WAF's 5-minute window (WAF accepts 10 to 2,000,000,000).
   * @default DEFAULT_WAF_RATE_LIMIT (2,000)
   */
  readonly rateLimit?: number;
  /**
   * @default - the stack's name
   */
  readonly name?: string;
}

/**
 * A `CLOUDFRONT`-scope WAFv2 web ACL (so its stack must be in us-east-1) for the API's
 * distribution: a rate-based rule per source IP that answers 429 with a JSON body, then AWS's
 * common rule set. Everything else is allowed; each rule has CloudWatch metrics and sampled requests.
 */
export class EdgeWebAcl extends Construct {
  public readonly webAcl: CfnWebACL;
  public readonly rateLimit: number;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== 'us-east-1')
      throw new Error(`a CLOUDFRONT web ACL must be created in us-east-1 (this stack is in ${stack.region})`);
    this.rateLimit = props.rateLimit ?? DEFAULT_WAF_RATE_LIMIT;
    if (!Number.isInteger(this.rateLimit) || this.rateLimit < 10 || this.rateLimit > 2_000_000_000)
      throw new Error(`rateLimit must be an integer from 10 to 2,000,000,000 (got ${this.rateLimit})`);
    const name = props.name ?? stack.stackName;
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      description: `Records platform API edge: ${this.rateLimit} requests per source IP per 5 minutes, AWS common rule set`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      customResponseBodies: {
        tooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'about:blank',
            title: 'Too Many Requests',
            status: 429,
            detail: 'Too many requests from this address; retry later.',
          }),
        },
      },
      rules: [
        {
          name: WAF_RULES.rateLimit,
          priority: 0,
          statement: { rateBasedStatement: { limit: this.rateLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'tooManyRequests' } } },
          visibilityConfig: visibility(WAF_RULES.rateLimit),
        },
        {
          name: WAF_RULES.commonRuleSet,
          priority: 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: WAF_RULES.commonRuleSet,
              ruleActionOverrides: COMMON_RULE_SET_COUNT_ONLY.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility(WAF_RULES.commonRuleSet),
        },
      ],
    });
  }

  /** The ARN a CloudFront distribution names as its `webAclId`. */
  public get arn(): string {
    return this.webAcl.attrArn;
  }
}
