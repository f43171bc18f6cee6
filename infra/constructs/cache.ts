import { Names } from 'aws-cdk-lib';
import { Connections, type IConnectable, type IVpc, Port, SecurityGroup, type SubnetSelection, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

/** Where ElastiCache Serverless listens for Valkey clients (6380 is the reader endpoint, unused). */
export const VALKEY_PORT = 6379;

export interface CacheProps {
  readonly vpc: IVpc;
  /**
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: SubnetSelection;
  /** Who may connect on 6379: the functions' security group. Nobody else can. */
  readonly clients: readonly IConnectable[];
  /**
   * Data the cache may hold (and bill for) before it evicts: the cost ceiling for storage.
   * @default 5 (GB)
   */
  readonly maxDataStorageGb?: number;
  /**
   * ElastiCache Processing Units per second before requests are throttled (a throttled
   * command fails, the cache's circuit breaker sends reads to DynamoDB): the cost ceiling
   * for requests.
   * @default 5000
   */
  readonly maxEcpuPerSecond?: number;
  /**
   * @default 8
   */
  readonly majorEngineVersion?: string;
}

/**
 * ElastiCache Serverless for Valkey: the cache's L2 and the revocation list. Always
 * encrypted in transit (hence `rediss://`) and at rest; reachable on 6379 from the given
 * clients only; spread over the subnets' AZs by the service. Cluster mode: keys read together
 * must share a hash slot (`shared/cache/cache-keys.ts`). No snapshots: everything in it is
 * derived (cache entries) or short-lived (revocations end with the token).
 */
export class Cache extends Construct implements IConnectable {
  public readonly cache: CfnServerlessCache;
  public readonly securityGroup: SecurityGroup;
  public readonly connections: Connections;
  /** `rediss://<endpoint>:<port>` for `REDIS_URL`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Valkey: ${VALKEY_PORT} from the functions only`,
      allowAllOutbound: false,
    });
    this.connections = new Connections({ securityGroups: [this.securityGroup], defaultPort: Port.tcp(VALKEY_PORT) });
    for (const client of props.clients) this.connections.allowDefaultPortFrom(client, 'Valkey (TLS) from the functions');

    const subnetIds = props.vpc.selectSubnets(props.subnets ?? { subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds;
    this.cache = new CfnServerlessCache(this, 'Cache', {
      // Unique per account and region, lower case, at most 40 characters, starts with a letter.
      serverlessCacheName: Names.uniqueResourceName(this, { maxLength: 40, separator: '-' }).toLowerCase(),
      description: 'Records platform cache and revocation list',
      engine: 'valkey',
      majorEngineVersion: props.majorEngineVersion ?? '8',
      subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      cacheUsageLimits: {
        dataStorage: { maximum: props.maxDataStorageGb ?? 5, unit: 'GB' },
        ecpuPerSecond: { maximum: props.maxEcpuPerSecond ?? 5_000 },
      },
    });
    this.url = `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }
}
