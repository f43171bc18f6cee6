import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import type { FunctionDeclaration } from '../../shared/entity/entity-functions.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { XLSX_SCRATCH_MIB } from '../../shared/import/import-limits.js';
import { lambdas } from '../../shared/registry.js';
import { CursorSecret } from './cursor-secret.js';
import { ServiceFunction, type ServiceFunctionProps } from './service-function.js';
import { apiKeysTable } from '../../shared/api-keys/api-keys.table.js';
import { Tables } from './tables.js';

const code = Code.fromInline('export const handler = async () => ({ statusCode: 204 });');

function declaration(overrides: Partial<FunctionDeclaration> = {}): FunctionDeclaration {
  return {
    id: 'students-get',
    entry: 'functions/students/get.ts',
    description: 'Reads students',
    routes: [{ method: 'GET', path: '/api/v1/students/{student_id}' }],
    cacheControl: 'private, no-cache',
    permission: 'viewer',
    tables: [{ table: 'students', actions: ['GetItem'] }],
    ...overrides,
  };
}

function synth(decl: FunctionDeclaration, props: Partial<ServiceFunctionProps> = {}) {
  const stack = new Stack(new App(), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students), apiKeysTable] });
  const secret = new CursorSecret(stack, 'Cursor').secret;
  const fn = new ServiceFunction(stack, decl.id, { declaration: decl, tables, cursorSecret: secret, code, ...props });
  const tableArn = stack.resolve(tables.tables.students?.tableArn);
  const apiKeysArn = stack.resolve(tables.tables[apiKeysTable.id]?.tableArn);
  return { stack, fn, tableArn, apiKeysArn, secretArn: stack.resolve(secret.secretArn), template: Template.fromStack(stack) };
}

/** Every (action, resource) pair the role's policies allow, sorted: order and statement grouping don't matter. */
function grantsOf(template: Template, stack: Stack, fn: ServiceFunction): string[] {
  const roleRef = stack.resolve(fn.role.roleName);
  const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [roleRef] } }));
  return policies
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
    .flatMap(({ Action, Resource }) => [Action].flat().flatMap((action) => [Resource].flat().map((resource) => grant(String(action), resource))))
    .sort();
}

function grant(action: string, resource: unknown): string {
  return `${action} ${JSON.stringify(resource)}`;
}

/** What every function may do besides its declared grants: write its own logs and traces. */
function baseGrants(stack: Stack, fn: ServiceFunction): string[] {
  const logGroupArn = stack.resolve(fn.logGroup.logGroupArn);
  return [
    grant('logs:CreateLogStream', logGroupArn),
    grant('logs:PutLogEvents', logGroupArn),
    grant('xray:PutTelemetryRecords', '*'),
    grant('xray:PutTraceSegments', '*'),
  ];
}

describe('ServiceFunction', () => {
  it('runs the bundle on nodejs22.x arm64 with active tracing and the platform defaults', () => {
    const { template } = synth(declaration());
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      Description: 'Reads students',
    });
  });

  it('sets the Powertools variables and the table name variable of the design', () => {
    const { template, tableArn } = synth(declaration());
    const tableRef = { Ref: tableArn['Fn::GetAtt'][0] };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'students-get',
          POWERTOOLS_METRICS_NAMESPACE: 'RecordsPlatform',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          [tableDesign(students).envVar]: tableRef,
          CURSOR_SECRET_ARN: Match.absent(),
        },
      },
    });
  });

  it('logs to its own log group with one month retention by default', () => {
    const { stack, fn, template } = synth(declaration());
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: stack.resolve(fn.logGroup.logGroupName) },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
  });

  it('accepts other memory, timeout and retention settings', () => {
    const { template } = synth(declaration(), {
      memorySize: 1024,
      timeout: Duration.seconds(20),
      logRetention: RetentionDays.ONE_WEEK,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 20 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('sizes /tmp from the declaration (the XLSX readers of the S3 door) and leaves Lambda’s default otherwise', () => {
    synth(declaration()).template.hasResourceProperties('AWS::Lambda::Function', { EphemeralStorage: Match.absent() });
    synth(declaration({ scratchMiB: 2560 })).template.hasResourceProperties('AWS::Lambda::Function', { EphemeralStorage: { Size: 2560 } });
    const readers = lambdas.filter((fn) => fn.scratchMiB !== undefined).map((fn) => [fn.id, fn.scratchMiB]);
    expect(readers).toEqual([
      ['imports-on-object-created', XLSX_SCRATCH_MIB],
      ['import-worker', XLSX_SCRATCH_MIB],
    ]);
    expect(XLSX_SCRATCH_MIB).toBe(2560);
  });

  it('uses its own role without managed policies', () => {
    const { template } = synth(declaration());
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('grants exactly the declared actions on the table and nothing on its indexes without Query', () => {
    const { stack, fn, tableArn, template } = synth(declaration());
    const expected = [...baseGrants(stack, fn), grant('dynamodb:GetItem', tableArn)];
    expect(grantsOf(template, stack, fn)).toEqual(expected.sort());
  });

  it('allows Query on each named index of the design, and not on the table, when Query is declared', () => {
    const decl = declaration({ id: 'students-list', tables: [{ table: 'students', actions: ['Query', 'GetItem'] }] });
    const { stack, fn, tableArn, template } = synth(decl);
    const indexGrants = tableDesign(students).indexes.map((index) => grant('dynamodb:Query', { 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] }));
    expect(grantsOf(template, stack, fn)).toEqual([...baseGrants(stack, fn), grant('dynamodb:GetItem', tableArn), ...indexGrants].sort());
    expect(grantsOf(template, stack, fn)).not.toContain(grant('dynamodb:Query', tableArn));
  });

  it('limits a grant to the declared partition keys (dynamodb:LeadingKeys), and others not at all', () => {
    const decl = declaration({ id: 'system-health', tables: [{ table: 'students', actions: ['GetItem'], leadingKeys: ['#count#0'] }] });
    const { stack, fn, tableArn, template } = synth(decl);
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [stack.resolve(fn.role.roleName)] } }))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown; Condition?: unknown }[])
      .filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#count#0'] } } },
    ]);
    const unconditioned = synth(declaration()).template.toJSON();
    expect(JSON.stringify(unconditioned)).not.toContain('dynamodb:LeadingKeys');
  });

  it('passes the cursor secret ARN and may read only that secret when the declaration asks for it', () => {
    const decl = declaration({ id: 'students-list', cursorSecret: true });
    const { stack, fn, tableArn, secretArn, template } = synth(decl);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CURSOR_SECRET_ARN: secretArn }) },
    });
    expect(grantsOf(template, stack, fn)).toEqual(
      [
        ...baseGrants(stack, fn),
        grant('dynamodb:GetItem', tableArn),
        grant('secretsmanager:DescribeSecret', secretArn),
        grant('secretsmanager:GetSecretValue', secretArn),
      ].sort(),
    );
  });

  it('grants no table access to a function that declares none', () => {
    const { stack, fn, template } = synth(declaration({ id: 'system-docs', tables: [] }));
    expect(grantsOf(template, stack, fn)).toEqual(baseGrants(stack, fn).sort());
  });

  it('grants Scan on the table only (no indexes to scan) when Scan is declared', () => {
    const decl = declaration({ id: 'admin-api-keys-list', tables: [{ table: apiKeysTable.id, actions: ['Scan'] }] });
    const { stack, fn, apiKeysArn, template } = synth(decl);
    expect(grantsOf(template, stack, fn)).toEqual([...baseGrants(stack, fn), grant('dynamodb:Scan', apiKeysArn)].sort());
  });

  it('passes the identity provider settings to a function that verifies tokens', () => {
    const decl = declaration({ id: 'auth-authorizer', tables: [], identityProvider: true });
    const identityProvider = { jwksUrl: 'https://idp/.well-known/jwks.json', issuer: 'https://idp', audience: 'client-1' };
    const { template } = synth(decl, { identityProvider });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ AUTH_JWKS_URL: identityProvider.jwksUrl, AUTH_ISSUER: 'https://idp', AUTH_AUDIENCE: 'client-1' }),
      },
    });
    expect(() => synth(decl)).toThrow(/declares identityProvider but none was given/);
  });

  it('passes no Redis key prefix for the revocation list, which lives in DynamoDB (the revocations table)', () => {
    const decl = declaration({ id: 'admin-tokens-revoke', tables: [], revocationList: true });
    synth(decl).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUTH_REDIS_PREFIX: Match.absent(), REDIS_URL: Match.absent() }) },
    });
  });

  it('passes REDIS_URL and CACHE_KEY_PREFIX only when a Redis is given', () => {
    synth(declaration(), { redis: { url: 'rediss://cache:6379', cacheKeyPrefix: 'records:Test:' } }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REDIS_URL: 'rediss://cache:6379', CACHE_KEY_PREFIX: 'records:Test:' }) },
    });
    synth(declaration()).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REDIS_URL: Match.absent(), CACHE_KEY_PREFIX: Match.absent() }) },
    });
  });

  it('refuses a declaration that names an unknown table', () => {
    expect(() => synth(declaration({ tables: [{ table: 'teachers', actions: ['GetItem'] }] }))).toThrow(/students-get: unknown table 'teachers'/);
  });

  it('refuses a cursor declaration without a secret', () => {
    expect(() => synth(declaration({ cursorSecret: true }), { cursorSecret: undefined })).toThrow(/declares cursorSecret but none was given/);
  });
});

describe('ServiceFunction in a VPC', () => {
  function inVpc() {
    const stack = new Stack(new App(), 'Vpc');
    const vpc = new Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED }] });
    const securityGroup = new SecurityGroup(stack, 'Functions', { vpc, allowAllOutbound: false });
    const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students), apiKeysTable] });
    const network = { vpc, subnets: { subnetType: SubnetType.PRIVATE_ISOLATED }, securityGroups: [securityGroup] };
    const fn = new ServiceFunction(stack, 'students-get', { declaration: declaration(), tables, code, network });
    return { stack, vpc, securityGroup, fn, template: Template.fromStack(stack) };
  }

  it('runs in the given subnets with the given security groups only', () => {
    const { stack, vpc, securityGroup, template } = inVpc();
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId)),
        SecurityGroupIds: [stack.resolve(securityGroup.securityGroupId)],
      },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  it('may manage its network interfaces through an inline statement, not the managed VPC access policy', () => {
    const { stack, fn, template } = inVpc();
    const networkGrants = grantsOf(template, stack, fn).filter((entry) => entry.startsWith('ec2:'));
    expect(networkGrants).toEqual(
      [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
      ].map((action) => grant(action, '*')),
    );
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('is created after its role may create network interfaces: Lambda checks that on creation', () => {
    const { stack, fn, template } = inVpc();
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [stack.resolve(fn.role.roleName)] } }))[0]!;
    const functionId = stack.resolve(fn.function.functionArn)['Fn::GetAtt'][0];
    expect(template.findResources('AWS::Lambda::Function')[functionId]?.DependsOn).toContain(policyId);
  });

  it('grants nothing network-related to a function outside a VPC', () => {
    const { stack, fn, template } = synth(declaration());
    expect(grantsOf(template, stack, fn).filter((entry) => entry.startsWith('ec2:'))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });
});

describe('ServiceFunction shared dependencies', () => {
  it('attaches the one shared-dependencies layer of the stack to every function', () => {
    const stack = new Stack(new App(), 'Layers');
    const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students), apiKeysTable] });
    for (const id of ['students-get', 'students-list']) {
      new ServiceFunction(stack, id, { declaration: { ...declaration(), id }, tables, code });
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    const layers = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => JSON.stringify(fn.Properties.Layers));
    expect(layers).toHaveLength(2);
    expect(new Set(layers).size).toBe(1);
    expect(layers[0]).toContain('SharedDependencies');
  });
});

describe('ServiceFunction trusted hosts', () => {
  it("allows the region's API Gateway hosts by default and custom domains when given", () => {
    const stack = new Stack(new App(), 'Hosts', { env: { region: 'eu-west-1', account: '123456789012' } });
    const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students), apiKeysTable] });
    new ServiceFunction(stack, 'default-hosts', { declaration: { ...declaration(), id: 'default-hosts' }, tables, code });
    new ServiceFunction(stack, 'custom-hosts', { declaration: { ...declaration(), id: 'custom-hosts' }, tables, code, allowedHosts: ['api.records.example'] });
    const hosts = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables.ALLOWED_HOSTS,
    );
    expect(hosts).toContain('api.records.example');
    // The partition's URL suffix stays a reference (amazonaws.com, amazonaws.com.cn, …).
    expect(hosts).toContainEqual({ 'Fn::Join': ['', ['*.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] });
  });
});
