import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { importTrigger, importTriggerFilters } from '../../shared/import/import-trigger.js';
import { declarationOf, functions, importFunction, tableDesigns } from '../../shared/registry.js';
import { ROOT } from '../build/bundle-functions.js';
import { ImportsBucket, type ImportsBucketProps } from './imports-bucket.js';
import { ServiceFunction } from './service-function.js';
import { Tables } from './tables.js';

/** The feature flags of `cdk synth` (among them: access logs delivered by bucket policy, not ACL). */
const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const code = Code.fromInline('export const handler = async () => {};');
const exportDeclaration = functions.find((fn) => fn.largeExports);
if (!exportDeclaration) throw new Error('the registry has no largeExports function');

/** The registry's import function, its HTTP import functions, a large export and a function that touches no bucket. */
function synth(
  props: Partial<ImportsBucketProps> = {},
  importDeclaration: LambdaDeclaration = importFunction,
  configure: (imports: ImportsBucket) => void = () => undefined,
) {
  const stack = new Stack(new App({ context }), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: tableDesigns });
  const make = (declaration: LambdaDeclaration) => new ServiceFunction<LambdaDeclaration>(stack, declaration.id, { declaration, tables, code });
  const importFn = make(importDeclaration);
  const others = ['imports-create', 'imports-get', exportDeclaration!.id, 'students-get'].map((id) => make(declarationOf(id)));
  const fns = Object.fromEntries([importFn, ...others].map((fn) => [fn.declaration.id, fn]));
  const imports = new ImportsBucket(stack, 'Imports', { importFunction: importFn, functions: others, ...props });
  configure(imports);
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as never);
  const bucketArn = { 'Fn::GetAtt': [logicalId(imports.bucket), 'Arn'] };
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });
  return { stack, template, imports, fns, logicalId, objects };
}

const bucketResource = (template: Template, id: string) => template.findResources('AWS::S3::Bucket')[id]!;

/** Every s3 (action, resource) pair the function's role may use, sorted. */
function s3GrantsOf(template: Template, stack: Stack, fn: ServiceFunction<LambdaDeclaration>): string[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [stack.resolve(fn.role.roleName)] } });
  return Object.values(policies)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
    .flatMap(({ Action, Resource }) => [Action].flat().flatMap((action) => [Resource].flat().map((resource) => `${action} ${JSON.stringify(resource)}`)))
    .filter((entry) => entry.startsWith('s3:'))
    .sort();
}

const s3Grant = (action: string, resource: unknown) => `${action} ${JSON.stringify(resource)}`;

function acknowledged(construct: IConstruct): Record<string, string> {
  return Object.fromEntries(
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]),
  );
}

describe('ImportsBucket: the bucket', () => {
  it('blocks all public access, refuses plain HTTP and encrypts with S3-managed keys', () => {
    const { template, imports, logicalId, stack } = synth();
    const bucket = bucketResource(template, logicalId(imports.bucket));
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: stack.resolve(imports.bucket.bucketName),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is versioned and logs its accesses to the access-log bucket', () => {
    const { template, imports, logicalId, stack } = synth();
    expect(bucketResource(template, logicalId(imports.bucket)).Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: stack.resolve(imports.accessLogs.bucketName), LogFilePrefix: 'imports-bucket/' },
    });
  });

  it('expires reports/ and exports/ after 30 days, noncurrent versions after 7, and aborts multipart uploads after 1', () => {
    const { template, imports, logicalId } = synth();
    const rules = bucketResource(template, logicalId(imports.bucket)).Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      { Id: 'expire-reports', Prefix: 'reports/', ExpirationInDays: 30, Status: 'Enabled' },
      { Id: 'expire-exports', Prefix: 'exports/', ExpirationInDays: 30, Status: 'Enabled' },
      { Id: 'expire-noncurrent-versions', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: 'Enabled' },
      { Id: 'abort-incomplete-multipart-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
    ]);
    // Uploads under imports/ are never expired by a rule: a job may still be reading them.
    expect(rules.filter((rule: { Prefix?: string }) => rule.Prefix === importTrigger.prefix)).toEqual([]);
  });

  it('takes the expiry of reports and exports from its props', () => {
    const { template, imports, logicalId } = synth({ generatedFilesExpiration: Duration.days(5) });
    const rules = bucketResource(template, logicalId(imports.bucket)).Properties.LifecycleConfiguration.Rules;
    expect(
      rules
        .filter((rule: { ExpirationInDays?: number }) => rule.ExpirationInDays)
        .map((rule: { Prefix: string; ExpirationInDays: number }) => `${rule.Prefix} ${rule.ExpirationInDays}`),
    ).toEqual(['reports/ 5', 'exports/ 5']);
  });

  it('retains both buckets by default and deletes them with RemovalPolicy.DESTROY', () => {
    const policies = (template: Template) => Object.values(template.findResources('AWS::S3::Bucket')).map((bucket) => bucket.DeletionPolicy);
    expect(policies(synth().template)).toEqual(['Retain', 'Retain']);
    expect(policies(synth({ removalPolicy: RemovalPolicy.DESTROY }).template)).toEqual(['Delete', 'Delete']);
  });
});

describe('ImportsBucket: the access-log bucket', () => {
  it('creates the log groups of CDK’s handlers (with a retention) before the custom resources that run them', () => {
    for (const { stack, template, imports, logicalId } of [synth(), synth({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true })]) {
      const handlers = Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith('BucketNotificationsHandler') || id.startsWith('CustomS3AutoDeleteObjects'))
        .map(([id]) => id);
      expect(handlers.length).toBe(imports.handlerLogs.length);
      const groups = imports.handlerLogs.map((logs) => template.findResources('AWS::Logs::LogGroup')[logicalId(logs)]!);
      expect(groups.map((group) => group.Properties.LogGroupName)).toEqual(
        expect.arrayContaining(handlers.map((id) => ({ 'Fn::Join': ['', ['/aws/lambda/', { Ref: id }]] }))),
      );
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
      const [notificationLogs, autoDeleteLogs] = imports.handlerLogs.map((logs) => logicalId(logs));
      const dependsOn = (type: string) => Object.values(template.findResources(type)).map((user) => user.DependsOn);
      expect(dependsOn('Custom::S3BucketNotifications')).toEqual([expect.arrayContaining([notificationLogs])]);
      expect(dependsOn('Custom::S3AutoDeleteObjects')).toEqual(
        autoDeleteLogs ? [expect.arrayContaining([autoDeleteLogs]), expect.arrayContaining([autoDeleteLogs])] : [],
      );
      expect(stack.resolve(imports.bucket.bucketName)).toEqual({ Ref: logicalId(imports.bucket) });
    }
  });

  it('empties both buckets on delete only when asked to, and only together with DESTROY', () => {
    synth().template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    const throwAway = synth({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const emptied = Object.values(throwAway.template.findResources('Custom::S3AutoDeleteObjects')).map((resource) => resource.Properties.BucketName);
    expect(emptied).toEqual(
      expect.arrayContaining([{ Ref: throwAway.logicalId(throwAway.imports.bucket) }, { Ref: throwAway.logicalId(throwAway.imports.accessLogs) }]),
    );
    expect(emptied).toHaveLength(2);
    expect(() => synth({ autoDeleteObjects: true })).toThrow(/autoDeleteObjects needs removalPolicy DESTROY/);
  });

  it('blocks public access, refuses plain HTTP, is SSE-S3 encrypted (what log delivery requires) and expires logs', () => {
    const { template, imports, logicalId, stack } = synth();
    const logs = bucketResource(template, logicalId(imports.accessLogs));
    expect(logs.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ Id: 'expire-access-logs', ExpirationInDays: 90, Status: 'Enabled' }] },
    });
    expect(logs.Properties.LoggingConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: stack.resolve(imports.accessLogs.bucketName),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('acknowledges its own missing access logs (S1), and nothing else', () => {
    const { imports } = synth();
    const acks = acknowledged(imports.accessLogs);
    expect(Object.keys(acks)).toEqual(['AwsSolutions-S1']);
    expect(acks['AwsSolutions-S1']).toMatch(/destination of the imports bucket server access logs/);
    expect(acknowledged(imports.bucket)).toEqual({});
  });
});

describe('ImportsBucket: notifications', () => {
  it('invokes the import function on ObjectCreated, once per declared suffix, under imports/', () => {
    const { template, fns, stack, imports } = synth();
    const [notifications] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(notifications?.Properties.BucketName).toEqual(stack.resolve(imports.bucket.bucketName));
    const configurations = notifications?.Properties.NotificationConfiguration.LambdaFunctionConfigurations;
    expect(configurations).toHaveLength(importTrigger.suffixes.length);
    expect(configurations).toEqual(
      importTriggerFilters().map((filter) => ({
        Events: ['s3:ObjectCreated:*'],
        LambdaFunctionArn: stack.resolve(fns[importFunction.id]!.function.functionArn),
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'suffix', Value: filter.suffix },
              { Name: 'prefix', Value: 'imports/' },
            ],
          },
        },
      })),
    );
    expect(notifications?.Properties.NotificationConfiguration.QueueConfigurations).toBeUndefined();
  });

  it('lets S3 invoke the import function for this bucket only', () => {
    const { template, fns, stack, imports } = synth();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: stack.resolve(fns[importFunction.id]!.function.functionArn),
      SourceArn: stack.resolve(imports.bucket.bucketArn),
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('refuses a function that the import trigger does not name', () => {
    const { s3Trigger: _trigger, ...untriggered } = importFunction;
    expect(() => synth({}, untriggered)).toThrow(/is not triggered by the 'imports' bucket/);
  });

  it('acknowledges only IAM4 on CDK’s notifications handler, with its reason', () => {
    const { stack } = synth();
    const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'))!;
    const acks = acknowledged(handler);
    expect(Object.keys(acks)).toEqual(['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]']);
    expect(Object.values(acks)[0]).toMatch(/BucketNotificationsHandler/);
  });
});

describe('ImportsBucket: function environment and grants', () => {
  const variablesOf = (template: Template, stack: Stack, fn: ServiceFunction<LambdaDeclaration>) =>
    template.findResources('AWS::Lambda::Function')[stack.resolve(fn.function.functionArn)['Fn::GetAtt'][0]]!.Properties.Environment.Variables;

  it('names the bucket in IMPORTS_BUCKET for functions that declare it, and in EXPORTS_BUCKET for large exports', () => {
    const { template, stack, fns, imports } = synth();
    const name = stack.resolve(imports.bucket.bucketName);
    for (const id of [importFunction.id, 'imports-create', 'imports-get']) {
      expect(variablesOf(template, stack, fns[id]!)[importTrigger.bucketEnv], id).toEqual(name);
      expect(variablesOf(template, stack, fns[id]!).EXPORTS_BUCKET, id).toBeUndefined();
    }
    expect(variablesOf(template, stack, fns[exportDeclaration!.id]!).EXPORTS_BUCKET).toEqual(name);
    expect(variablesOf(template, stack, fns[exportDeclaration!.id]!)[importTrigger.bucketEnv]).toBeUndefined();
    expect(variablesOf(template, stack, fns['students-get']!)).not.toHaveProperty(importTrigger.bucketEnv);
    expect(variablesOf(template, stack, fns['students-get']!)).not.toHaveProperty('EXPORTS_BUCKET');
  });

  it('grants the import function GetObject(Version) on imports/* and PutObject + GetObject on reports/* (the report segments are read back), nothing more', () => {
    const { template, stack, fns, objects } = synth();
    expect(s3GrantsOf(template, stack, fns[importFunction.id]!)).toEqual(
      [
        s3Grant('s3:GetObject', objects('imports/')),
        s3Grant('s3:GetObjectVersion', objects('imports/')),
        s3Grant('s3:GetObject', objects('reports/')),
        s3Grant('s3:PutObject', objects('reports/')),
      ].sort(),
    );
  });

  it('grants imports-create PutObject on imports/* (the presigned PUT) and imports-get GetObject on reports/*', () => {
    const { template, stack, fns, objects } = synth();
    expect(s3GrantsOf(template, stack, fns['imports-create']!)).toEqual([s3Grant('s3:PutObject', objects('imports/'))]);
    expect(s3GrantsOf(template, stack, fns['imports-get']!)).toEqual([s3Grant('s3:GetObject', objects('reports/'))]);
  });

  it('grants a large export PutObject, AbortMultipartUpload and GetObject on exports/* only', () => {
    const { template, stack, fns, objects } = synth();
    expect(s3GrantsOf(template, stack, fns[exportDeclaration!.id]!)).toEqual(
      ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'].map((action) => s3Grant(action, objects('exports/'))),
    );
  });

  it('grants nothing in S3 to a function that declares no bucket', () => {
    const { template, stack, fns } = synth();
    expect(s3GrantsOf(template, stack, fns['students-get']!)).toEqual([]);
  });

  it('acknowledges the IAM5 wildcard of each prefix-scoped object ARN on the role that holds it, and no other', () => {
    const { fns, logicalId, imports } = synth();
    const iam5 = (id: string) =>
      Object.entries(acknowledged(fns[id]!.role))
        .filter(([rule]) => rule.startsWith('AwsSolutions-IAM5[Resource::<'))
        .map(([rule, reason]) => `${rule} ${reason}`)
        .sort();
    const expected = (...prefixes: string[]) =>
      prefixes
        .map((prefix) => `AwsSolutions-IAM5[Resource::<${logicalId(imports.bucket)}.Arn>/${prefix}*] object-level actions scoped to the declared key prefix`)
        .sort();
    expect(iam5(importFunction.id)).toEqual(expected('imports/', 'reports/'));
    expect(iam5('imports-create')).toEqual(expected('imports/'));
    expect(iam5('imports-get')).toEqual(expected('reports/'));
    expect(iam5(exportDeclaration!.id)).toEqual(expected('exports/'));
    expect(iam5('students-get')).toEqual([]);
  });

  it('has no CORS rule until browser origins are allowed, then PUT/GET/HEAD for them and presigned GET/HEAD after a redirect', () => {
    const plain = synth();
    expect(bucketResource(plain.template, plain.logicalId(plain.imports.bucket)).Properties.CorsConfiguration).toBeUndefined();
    const { template, imports, logicalId } = synth({}, importFunction, (bucket) => bucket.allowBrowserOrigins(['https://d111.cloudfront.net']));
    const bucket = bucketResource(template, logicalId(imports.bucket));
    const exposed = ['ETag', 'Content-Disposition', 'Content-Length', 'x-amz-request-id', 'x-amz-version-id'];
    expect(bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          Id: 'console',
          AllowedOrigins: ['https://d111.cloudfront.net'],
          AllowedMethods: ['GET', 'HEAD', 'PUT'],
          AllowedHeaders: ['*'],
          ExposedHeaders: exposed,
          MaxAge: 3000,
        },
        { Id: 'presigned-downloads-after-redirect', AllowedOrigins: ['*'], AllowedMethods: ['GET', 'HEAD'], ExposedHeaders: exposed, MaxAge: 3000 },
      ],
    });
  });
});
