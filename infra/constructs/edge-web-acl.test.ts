import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { COMMON_RULE_SET_COUNT_ONLY, DEFAULT_WAF_RATE_LIMIT, EdgeWebAcl, type EdgeWebAclProps, WAF_RULES } from './edge-web-acl.js';

function synth(props: EdgeWebAclProps = {}, region = 'us-east-1') {
  const stack = new Stack(new App(), 'Edge', { env: { region } });
  const acl = new EdgeWebAcl(stack, 'Acl', props);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'));
  return { acl, properties: resource!.Properties };
}
const ruleNamed = (properties: { Rules: { Name: string }[] }, name: string) => properties.Rules.find((rule) => rule.Name === name) as Record<string, any>;

describe('EdgeWebAcl', () => {
  it('is a CLOUDFRONT-scope ACL that allows by default, with metrics and sampled requests', () => {
    const { properties } = synth();
    expect(properties).toMatchObject({
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true },
    });
  });

  it(`blocks a source IP beyond ${DEFAULT_WAF_RATE_LIMIT} requests per 5 minutes by default, first, with a 429 JSON body`, () => {
    const { properties } = synth();
    const rule = ruleNamed(properties, WAF_RULES.rateLimit);
    expect(rule).toMatchObject({
      Priority: 0,
      Statement: { RateBasedStatement: { Limit: DEFAULT_WAF_RATE_LIMIT, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
      Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
    });
    const body = properties.CustomResponseBodies[rule.Action.Block.CustomResponse.CustomResponseBodyKey];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('takes the rate limit from its props', () => {
    const { properties, acl } = synth({ rateLimit: 500 });
    expect(acl.rateLimit).toBe(500);
    expect(ruleNamed(properties, WAF_RULES.rateLimit).Statement.RateBasedStatement.Limit).toBe(500);
  });

  it('runs AWS’s common rule set after the rate rule, counting (not blocking) bodies over 8 KB', () => {
    const rule = ruleNamed(synth().properties, WAF_RULES.commonRuleSet);
    expect(rule).toMatchObject({
      Priority: 1,
      OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
    });
    expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      COMMON_RULE_SET_COUNT_ONLY.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
    );
  });

  it('refuses a region other than us-east-1 (CloudFront only takes ACLs from there) and a limit WAF refuses', () => {
    expect(() => synth({}, 'eu-west-1')).toThrow(/us-east-1/);
    expect(() => synth({ rateLimit: 9 })).toThrow(/rateLimit/);
    expect(() => synth({ rateLimit: 100.5 })).toThrow(/rateLimit/);
  });
});
