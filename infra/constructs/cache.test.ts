import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { Cache } from './cache.js';

function synth(props: Partial<ConstructorParameters<typeof Cache>[2]> = {}) {
  const stack = new Stack(new App(), 'Test');
  const vpc = new Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED }] });
  const clients = new SecurityGroup(stack, 'Functions', { vpc, allowAllOutbound: false });
  const cache = new Cache(stack, 'Cache', { vpc, clients: [clients], ...props });
  return { stack, vpc, clients, cache, template: Template.fromStack(stack) };
}

describe('Cache', () => {
  it('is an ElastiCache Serverless Valkey cache in the isolated subnets, with cost ceilings', () => {
    const { stack, vpc, cache, template } = synth();
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      MajorEngineVersion: '8',
      SubnetIds: vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId)),
      SecurityGroupIds: [stack.resolve(cache.securityGroup.securityGroupId)],
      CacheUsageLimits: { DataStorage: { Maximum: 5, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } },
    });
    const name = Object.values(template.findResources('AWS::ElastiCache::ServerlessCache'))[0]!.Properties.ServerlessCacheName as string;
    expect(name).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
  });

  it('accepts other limits', () => {
    synth({ maxDataStorageGb: 1, maxEcpuPerSecond: 1000 }).template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' }, ECPUPerSecond: { Maximum: 1000 } },
    });
  });

  it('admits 6379 from the clients’ security group and nothing else, and sends nothing out', () => {
    const { stack, clients, cache, template } = synth();
    const cacheGroup = stack.resolve(cache.securityGroup.securityGroupId);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => rule.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: cacheGroup,
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: stack.resolve(clients.securityGroupId),
      }),
    ]);
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup')).find((resource) =>
      String(resource.Properties.GroupDescription).startsWith('Valkey'),
    );
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group?.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
  });

  it('lets the clients reach it on 6379 even when they allow no other egress', () => {
    const { stack, clients, cache, template } = synth();
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: stack.resolve(clients.securityGroupId),
      DestinationSecurityGroupId: stack.resolve(cache.securityGroup.securityGroupId),
      FromPort: 6379,
      ToPort: 6379,
    });
  });

  it('gives a TLS URL built from the endpoint attributes (encryption in transit is always on)', () => {
    const { stack, cache } = synth();
    const logicalId = stack.getLogicalId(cache.cache);
    expect(stack.resolve(cache.url)).toEqual({
      'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': [logicalId, 'Endpoint.Address'] }, ':', { 'Fn::GetAtt': [logicalId, 'Endpoint.Port'] }]],
    });
  });
});
