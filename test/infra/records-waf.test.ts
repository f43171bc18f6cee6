import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import { DEFAULT_WAF_RATE_LIMIT, WAF_RULES } from '../../infra/constructs/edge-web-acl.js';
import type { EdgeAclStack } from '../../infra/stacks/edge-acl-stack.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import { stageConfigFrom } from '../../infra/stacks/stage-config.js';
import { lambdas } from '../../shared/registry.js';
import { lenient, sizeOf, stackViews } from './records-app-support.js';

/** `-c waf=true` (docs/security.md#aws-waf): the region is what the CDK CLI would resolve from the profile. */
const withWaf = { ...lenient, stage: 'prod', waf: 'true', wafRateLimit: '1500', region: 'eu-west-1' };
const EXISTING_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared-edge/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
/** The same budgets as records-app.test.ts (README "Known limits"). */
const STACK_BUDGET = { resources: 400, parameters: 160, outputs: 160 };

const distributionsOf = (template: Template) =>
  Object.values(template.findResources('AWS::CloudFront::Distribution')).map((d) => d.Properties.DistributionConfig);

let app: App;
let stack: RecordsStack;
let edgeAcl: EdgeAclStack;
let template: Template;

beforeAll(() => {
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  const synthesized = createRecordsApp({ context: withWaf });
  ({ app, stack } = synthesized);
  edgeAcl = synthesized.edgeAcl!;
  template = Template.fromStack(stack);
});

describe('AWS WAF in front of the API (-c waf=true)', () => {
  it('is off by default: no distribution in the app stack, no web ACL, no us-east-1 stack, ApiUrl is the execute-api URL', () => {
    const { app: plain, stack: plainStack, edgeAcl: none } = createRecordsApp({ context: { ...lenient, stage: 'prod' } });
    expect(none).toBeUndefined();
    expect(plainStack.edge).toBeUndefined();
    expect(plain.node.children.filter((child) => child !== plainStack && 'templateFile' in child)).toEqual([]);
    const plainTemplate = Template.fromStack(plainStack);
    expect(distributionsOf(plainTemplate)).toEqual([]);
    expect(Object.keys(plainTemplate.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
    expect(plainTemplate.toJSON().Outputs.ApiUrl.Value).toEqual(plainStack.resolve(plainStack.api.url));
    expect(plainTemplate.toJSON().Outputs.ApiOriginUrl).toBeUndefined();
  });

  it('creates the web ACL in a us-east-1 stack of its own, with the rate rule at the -c wafRateLimit', () => {
    expect(edgeAcl.region).toBe('us-east-1');
    expect(edgeAcl.stackName).toBe('RecordsPlatform-prod-edge-acl');
    const [acl] = Object.values(Template.fromStack(edgeAcl).findResources('AWS::WAFv2::WebACL'));
    expect(acl!.Properties.Scope).toBe('CLOUDFRONT');
    const rule = acl!.Properties.Rules.find((found: { Name: string }) => found.Name === WAF_RULES.rateLimit);
    expect(rule.Statement.RateBasedStatement).toEqual({ Limit: 1500, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(acl!.Properties.Rules.map((found: { Name: string }) => found.Name)).toEqual([WAF_RULES.rateLimit, WAF_RULES.commonRuleSet]);
  });

  it('associates the app stack’s distribution with that ACL, read across regions (the app stack deploys after it)', () => {
    const [config] = distributionsOf(template);
    expect(config.WebACLId).toEqual({
      'Fn::GetStackOutput': expect.objectContaining({ StackName: 'RecordsPlatform-prod-edge-acl', Region: 'us-east-1' }),
    });
    expect(stack.dependencies).toContain(edgeAcl);
    // The account stays agnostic: the VPC keeps Fn::GetAZs and the same subnets as without WAF.
    expect(stack.region).toBe('eu-west-1');
    expect(JSON.stringify(template.toJSON())).toContain('"Fn::GetAZs"');
  });

  it('forwards to this stack’s HTTP API over HTTPS (TLS 1.2), all methods, nothing cached, HTTPS only to the viewer', () => {
    const distributions = distributionsOf(template);
    expect(distributions).toHaveLength(1);
    const [config] = distributions;
    expect(config.Origins).toHaveLength(1);
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain(JSON.stringify(stack.resolve(stack.api.api.apiId)));
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'https-only', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    expect(config.DefaultCacheBehavior.AllowedMethods).toHaveLength(7);
  });

  it('makes ApiUrl the edge URL, keeps the execute-api one as ApiOriginUrl, and points the console at the edge', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ApiUrl.Value).toEqual(stack.resolve(stack.edge!.url));
    expect(outputs.ApiOriginUrl.Value).toEqual(stack.resolve(stack.api.url));
    const views = stackViews(stack);
    const consoleConfig = JSON.stringify(views.view(stack.console!).inParent(views.view(stack.console!).template.toJSON()));
    expect(consoleConfig).toContain(JSON.stringify(stack.resolve(stack.edge!.distribution.distributionDomainName)));
  });

  it('reuses an existing ACL with -c wafWebAclArn: no us-east-1 stack, the ARN on the distribution, no region needed', () => {
    const reused = createRecordsApp({ context: { ...lenient, stage: 'prod', waf: 'true', wafWebAclArn: EXISTING_ACL } });
    expect(reused.edgeAcl).toBeUndefined();
    expect(distributionsOf(Template.fromStack(reused.stack))[0].WebACLId).toBe(EXISTING_ACL);
  });

  it('finds no cdk-nag finding that is not acknowledged, in the app stack or the ACL stack', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`))).toEqual(
      [],
    );
  });

  it('keeps every stack within its budget', () => {
    for (const view of [...stackViews(stack).all(), { stack: edgeAcl, template: Template.fromStack(edgeAcl) }]) {
      const size = sizeOf(view.template);
      for (const quota of ['resources', 'parameters', 'outputs'] as const)
        expect(size[quota], `${view.stack.node.path} ${quota}`).toBeLessThanOrEqual(STACK_BUDGET[quota]);
    }
  });
});

describe('WAF context', () => {
  const stageOf = (context: Record<string, unknown>) => stageConfigFrom((key) => context[key]);

  it('is off unless -c waf=true, with the default limit when no -c wafRateLimit is given', () => {
    expect(stageOf({}).waf).toBeUndefined();
    expect(stageOf({ waf: 'false' }).waf).toBeUndefined();
    expect(stageOf({ waf: 'true' }).waf).toEqual({ rateLimit: DEFAULT_WAF_RATE_LIMIT });
    expect(stageOf({ waf: true, wafWebAclArn: EXISTING_ACL }).waf).toEqual({ rateLimit: DEFAULT_WAF_RATE_LIMIT, webAclArn: EXISTING_ACL });
  });

  it('refuses a limit WAF would refuse, an ARN that is not a CLOUDFRONT ACL, and WAF settings without -c waf=true', () => {
    expect(() => stageOf({ waf: 'true', wafRateLimit: '5' })).toThrow(/wafRateLimit/);
    expect(() => stageOf({ waf: 'true', wafRateLimit: 'lots' })).toThrow(/wafRateLimit/);
    expect(() => stageOf({ waf: 'true', wafWebAclArn: EXISTING_ACL.replace('global', 'regional') })).toThrow(/wafWebAclArn/);
    expect(() => stageOf({ waf: 'true', wafWebAclArn: EXISTING_ACL.replace('us-east-1', 'eu-west-1') })).toThrow(/wafWebAclArn/);
    expect(() => stageOf({ wafRateLimit: '1000' })).toThrow(/need -c waf=true/);
  });

  it('asks for the region when it must create the ACL and none is known', () => {
    const saved = process.env.CDK_DEFAULT_REGION;
    delete process.env.CDK_DEFAULT_REGION;
    try {
      expect(() => createRecordsApp({ context: { ...lenient, waf: 'true' } })).toThrow(/needs the app stack’s region/);
    } finally {
      if (saved !== undefined) process.env.CDK_DEFAULT_REGION = saved;
    }
  });
});
