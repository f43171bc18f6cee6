import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  type GatewayVpcEndpoint,
  type InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  type SubnetConfiguration,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionNetwork } from './service-function.js';

export interface NetworkProps {
  /**
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * Adds public subnets with ONE NAT gateway and private subnets routed through it, for
   * functions that must reach the internet. The records stack uses none: its authorizer reads
   * the JWKS copy through the Secrets Manager endpoint (jwks-copy.ts). The isolated subnets
   * never get a route out either way.
   * @default false
   */
  readonly internetEgress?: boolean;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: RetentionDays;
  /**
   * What happens to the flow log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The VPC the Redis users run in: isolated subnets in two AZs that reach AWS only through
 * endpoints — DynamoDB and S3 gateway endpoints (free), a Secrets Manager interface endpoint
 * with private DNS (the list function reads the cursor key at cold start) — all flows logged
 * to CloudWatch, one security group for the functions. Endpoint policies admit this
 * account's resources only, so nothing in the VPC can copy data to another account's table,
 * bucket or secret. With `internetEgress`, also one NAT gateway (see docs/deploy.md, "Network, cache and what they cost").
 */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly flowLogs: LogGroup;
  /** Every function in the VPC: egress HTTPS (endpoints; the NAT from the egress subnets), ingress none. */
  public readonly functionsSecurityGroup: SecurityGroup;
  public readonly dynamoDbEndpoint: GatewayVpcEndpoint;
  public readonly s3Endpoint: GatewayVpcEndpoint;
  public readonly secretsManagerEndpoint: InterfaceVpcEndpoint;
  /** Feature flags (AppConfig data plane) for functions without a route out. */
  public readonly appConfigDataEndpoint: InterfaceVpcEndpoint;
  /** SQS for functions that send from the VPC (the import function and workers fan a file out). */
  public readonly sqsEndpoint: InterfaceVpcEndpoint;
  /** Placement without any route out of the VPC but the endpoints. */
  public readonly isolated: FunctionNetwork;
  /** Placement behind the NAT gateway; undefined without `internetEgress`. */
  public readonly withInternetEgress: FunctionNetwork | undefined;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const egress = props.internetEgress ?? false;
    const subnetConfiguration: SubnetConfiguration[] = [
      { name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ...(egress
        ? [
            // Only the NAT gateway lives here; nothing launched in it gets a public address.
            { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 28, mapPublicIpOnLaunch: false },
            { name: 'egress', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
          ]
        : []),
    ];
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 2,
      // One NAT, not one per AZ: it carries a few JWKS fetches per container and hour.
      natGateways: egress ? 1 : 0,
      subnetConfiguration,
    });

    this.flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(this.flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });

    const isolatedSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_ISOLATED };
    const egressSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const functionSubnets = egress ? [isolatedSubnets, egressSubnets] : [isolatedSubnets];

    this.functionsSecurityGroup = new SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'Lambda functions that use Redis: HTTPS out, nothing in',
      allowAllOutbound: false,
    });
    // Gateway endpoint traffic goes to the services' public addresses, whose prefix lists
    // are only known per region at deploy time; the route tables are what bounds it: the
    // isolated subnets have no route but the endpoints, the egress subnets add the NAT.
    this.functionsSecurityGroup.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      'HTTPS to DynamoDB, S3, Secrets Manager, AppConfig and SQS endpoints (and the NAT gateway from the egress subnets)',
    );

    this.dynamoDbEndpoint = this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB, subnets: functionSubnets });
    this.s3Endpoint = this.vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3, subnets: functionSubnets });
    const endpointsSecurityGroup = new SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.secretsManagerEndpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      privateDnsEnabled: true,
      subnets: isolatedSubnets,
      securityGroups: [endpointsSecurityGroup],
      open: false,
    });
    this.secretsManagerEndpoint.connections.allowDefaultPortFrom(this.functionsSecurityGroup, 'HTTPS from the functions');
    this.appConfigDataEndpoint = this.vpc.addInterfaceEndpoint('AppConfigData', {
      service: InterfaceVpcEndpointAwsService.APPCONFIGDATA,
      privateDnsEnabled: true,
      subnets: isolatedSubnets,
      securityGroups: [endpointsSecurityGroup],
      open: false,
    });
    this.appConfigDataEndpoint.connections.allowDefaultPortFrom(this.functionsSecurityGroup, 'HTTPS from the functions');
    this.sqsEndpoint = this.vpc.addInterfaceEndpoint('Sqs', {
      service: InterfaceVpcEndpointAwsService.SQS,
      privateDnsEnabled: true,
      subnets: isolatedSubnets,
      securityGroups: [endpointsSecurityGroup],
      open: false,
    });
    this.sqsEndpoint.connections.allowDefaultPortFrom(this.functionsSecurityGroup, 'HTTPS from the functions');

    for (const [endpoint, service] of [
      [this.dynamoDbEndpoint, 'dynamodb'],
      [this.s3Endpoint, 's3'],
      [this.secretsManagerEndpoint, 'secretsmanager'],
      [this.appConfigDataEndpoint, 'appconfig'],
      [this.sqsEndpoint, 'sqs'],
    ] as const) {
      endpoint.addToPolicy(
        new PolicyStatement({
          principals: [new AnyPrincipal()],
          actions: [`${service}:*`],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:ResourceAccount': Stack.of(this).account } },
        }),
      );
    }

    this.isolated = { vpc: this.vpc, subnets: isolatedSubnets, securityGroups: [this.functionsSecurityGroup] };
    this.withInternetEgress = egress ? { vpc: this.vpc, subnets: egressSubnets, securityGroups: [this.functionsSecurityGroup] } : undefined;
  }
}
