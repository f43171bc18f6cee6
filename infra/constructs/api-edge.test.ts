import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiEdge } from './api-edge.js';

const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/records/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

describe('ApiEdge', () => {
  let stack: Stack;
  let edge: ApiEdge;
  let api: HttpApi;
  let config: Record<string, any>;
  // The first synthesis loads aws-cdk-lib (seconds on busy cores).
  beforeAll(() => {
    stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    api = new HttpApi(stack, 'Api');
    edge = new ApiEdge(stack, 'Edge', { api, webAclArn: ACL });
    const [distribution] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'));
    config = distribution!.Properties.DistributionConfig;
  }, 120_000);

  it('forwards to the HTTP API’s execute-api host, over TLS 1.2 only', () => {
    expect(config.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::Join': ['', [stack.resolve(api.apiId), '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
        CustomOriginConfig: expect.objectContaining({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
      }),
    ]);
  });

  it('caches nothing, allows every method and forwards every viewer value but Host, HTTPS only to the viewer', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it('is associated with the web ACL and logs to its own bucket', () => {
    expect(config.WebACLId).toBe(ACL);
    expect(config.Logging).toEqual({ Bucket: stack.resolve(edge.logs.bucketRegionalDomainName), Prefix: 'api-edge/' });
  });

  it('gives clients the distribution’s https URL', () => {
    expect(stack.resolve(edge.url)).toEqual({ 'Fn::Join': ['', ['https://', stack.resolve(edge.distribution.distributionDomainName), '/']] });
  });
});
