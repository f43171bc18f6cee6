import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsoleHosting, type ConsoleHostingProps } from './console-hosting.js';

const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
const HOSTED_UI = 'https://records.auth.eu-west-1.amazoncognito.com';

let webDir: string;
beforeAll(() => {
  webDir = mkdtempSync(path.join(tmpdir(), 'console-web-'));
  writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(webDir, 'console.js'), 'export {};');
  writeFileSync(path.join(webDir, 'console.js.map'), '{}');
});

function synth(props: Partial<ConsoleHostingProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { region: 'eu-west-1', account: '123456789012' } });
  const hosting = new ConsoleHosting(stack, 'Console', {
    webDir,
    connectSources: [API, HOSTED_UI],
    runtimeConfig: (origin) => ({ mode: 'cognito', apiBaseUrl: API, cognito: { domain: HOSTED_UI, clientId: 'client123', redirectUri: `${origin}/` } }),
    ...props,
  });
  return { app, stack, hosting, template: Template.fromStack(stack) };
}

describe('ConsoleHosting', () => {
  let shared: ReturnType<typeof synth>;
  // The first synthesis loads aws-cdk-lib (seconds on busy cores).
  beforeAll(() => {
    shared = synth();
  }, 120_000);
  const ref = (token: string) => shared.stack.resolve(token);

  it('keeps the files in a private, encrypted, TLS-only bucket that only the distribution may read (OAC)', () => {
    const { template, hosting } = shared;
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: ref(hosting.logs.bucketName), LogFilePrefix: 'console-bucket/' },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref(hosting.bucket.bucketName)),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Action: string; Condition?: unknown }[];
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(JSON.stringify(statements.find((s) => s.Effect === 'Allow')!.Condition)).toContain(JSON.stringify(ref(hosting.distribution.distributionId)));
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(
      true,
    );
  });

  it('serves HTTPS only, GET/HEAD only, the page at / and for every unknown path (SPA fallback), with access logs', () => {
    const { template, hosting } = shared;
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true }),
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        Origins: [Match.objectLike({ DomainName: ref(hosting.bucket.bucketRegionalDomainName), OriginAccessControlId: Match.anyValue() })],
        Logging: { Bucket: ref(hosting.logs.bucketRegionalDomainName), Prefix: 'cloudfront/' },
      }),
    });
  });

  it('answers with the console CSP (its connect sources included) and the security headers', () => {
    const { template } = shared;
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: {
            ContentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${API} ${HOSTED_UI}; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
            Override: true,
          },
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      }),
    });
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!;
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: Object.keys(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0],
    });
    expect(policy).toBeDefined();
  });

  it('deploys the build (without source maps) and a config.json naming the distribution as the Cognito callback, then invalidates the edge', () => {
    const { template, hosting, app } = shared;
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0]!.Properties;
    expect(deployment).toMatchObject({
      DestinationBucketName: ref(hosting.bucket.bucketName),
      Prune: true,
      DistributionPaths: ['/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(deployment.DistributionId).toEqual(ref(hosting.distribution.distributionId));
    // The config source is a JSON file with a deploy-time marker where the distribution's domain goes.
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    const [marker, value] = Object.entries(deployment.SourceMarkers[1] as Record<string, unknown>)[0]!;
    expect(value).toEqual(ref(hosting.distribution.distributionDomainName));
    const outdir = app.synth().directory;
    const assets = JSON.parse(readFileSync(path.join(outdir, 'Test.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const configKey = (deployment.SourceObjectKeys as string[])[1]!.replace(/\.zip$/, '');
    const configDir = path.join(outdir, assets.files[configKey]!.source.path);
    expect(JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8'))).toEqual({
      mode: 'cognito',
      apiBaseUrl: API,
      cognito: { domain: HOSTED_UI, clientId: 'client123', redirectUri: `https://${marker}/` },
    });
    const webKey = (deployment.SourceObjectKeys as string[])[0]!.replace(/\.zip$/, '');
    const webAsset = path.join(outdir, assets.files[webKey]!.source.path);
    expect(readFileSync(path.join(webAsset, 'index.html'), 'utf8')).toContain('<title>console</title>');
    expect(() => readFileSync(path.join(webAsset, 'console.js.map'))).toThrow();
    expect(hosting.origin).toBe(`https://${hosting.distribution.distributionDomainName}`);
  });

  it('uses a domain of its own with its certificate and TLS 1.2, and makes it the origin', () => {
    const app = new App();
    const stack = new Stack(app, 'Domain', { env: { region: 'us-east-1', account: '123456789012' } });
    const certificate = Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const hosting = new ConsoleHosting(stack, 'Console', {
      webDir,
      runtimeConfig: () => ({ mode: 'local' }),
      domain: { names: ['console.example.org'], certificate },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.example.org'],
        ViewerCertificate: {
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    expect(hosting.origin).toBe('https://console.example.org');
    expect(hosting.url).toBe('https://console.example.org/');
  });

  it('retains its buckets by default and refuses autoDeleteObjects without DESTROY', () => {
    const buckets = Object.values(shared.template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((bucket) => bucket.DeletionPolicy)).toEqual(['Retain', 'Retain']);
    expect(() => synth({ autoDeleteObjects: true })).toThrow(/autoDeleteObjects needs removalPolicy DESTROY/);
    expect(() => synth({ autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY })).not.toThrow();
  });

  it('passes cdk-nag AwsSolutions, with only reviewed acknowledgments', () => {
    const report = new AwsSolutionsChecks().validateScope(shared.app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});
