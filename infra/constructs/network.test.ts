import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

function synth(props: ConstructorParameters<typeof Network>[2] = {}) {
  const stack = new Stack(new App(), 'Test');
  const network = new Network(stack, 'Network', props);
  return { stack, network, template: Template.fromStack(stack) };
}

/** Routes of the route tables of the given subnets. */
function routesOf(stack: Stack, template: Template, subnets: readonly { routeTable: { routeTableId: string } }[]) {
  const tables = subnets.map((subnet) => JSON.stringify(stack.resolve(subnet.routeTable.routeTableId)));
  return Object.values(template.findResources('AWS::EC2::Route'))
    .map((route) => route.Properties)
    .filter((route) => tables.includes(JSON.stringify(route.RouteTableId)));
}

describe('Network', () => {
  it('has isolated subnets in two AZs, no NAT and no internet gateway by default', () => {
    const { stack, network, template } = synth();
    expect(network.vpc.isolatedSubnets).toHaveLength(2);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    expect(routesOf(stack, template, network.vpc.isolatedSubnets)).toEqual([]);
    expect(network.withInternetEgress).toBeUndefined();
  });

  it('adds exactly one NAT gateway, behind which only the egress subnets route, with internetEgress', () => {
    const { stack, network, template } = synth({ internetEgress: true });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(routesOf(stack, template, network.vpc.isolatedSubnets)).toEqual([]);
    const egressRoutes = routesOf(stack, template, network.vpc.privateSubnets);
    expect(egressRoutes).toHaveLength(2);
    const [nat] = Object.keys(template.findResources('AWS::EC2::NatGateway'));
    for (const route of egressRoutes) expect(route).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: nat } });
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    expect(network.withInternetEgress?.subnets).toEqual({ subnetType: 'Private' });
  });

  it('logs every flow to a CloudWatch log group kept one month', () => {
    const { stack, network, template } = synth();
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      ResourceId: stack.resolve(network.vpc.vpcId),
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: stack.resolve(network.flowLogs.logGroupName),
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
    synth({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('reaches DynamoDB and S3 through gateway endpoints on every function subnet', () => {
    const { stack, network, template } = synth({ internetEgress: true });
    const routeTables = [...network.vpc.isolatedSubnets, ...network.vpc.privateSubnets].map((subnet) => stack.resolve(subnet.routeTable.routeTableId));
    for (const service of ['dynamodb', 's3']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: Match.arrayEquals(routeTables),
      });
    }
  });

  it('reaches Secrets Manager through an interface endpoint with private DNS, open to the functions only', () => {
    const { stack, network, template } = synth();
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] },
      PrivateDnsEnabled: true,
      SubnetIds: network.vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId)),
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => rule.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({ FromPort: 443, ToPort: 443, SourceSecurityGroupId: stack.resolve(network.functionsSecurityGroup.securityGroupId) }),
    ]);
  });

  it('lets endpoints serve this account’s resources only', () => {
    const { template } = synth();
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints).toHaveLength(5);
    for (const endpoint of endpoints) {
      expect(endpoint.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Allow', Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } } }),
      ]);
    }
  });

  it('gives the functions a security group that admits nothing and sends HTTPS only', () => {
    const { stack, network, template } = synth();
    const group = template.findResources('AWS::EC2::SecurityGroup')[stack.resolve(network.functionsSecurityGroup.securityGroupId)['Fn::GetAtt'][0]];
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group?.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(network.isolated).toEqual({ vpc: network.vpc, subnets: { subnetType: 'Isolated' }, securityGroups: [network.functionsSecurityGroup] });
  });
});
