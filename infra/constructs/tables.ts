import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableDesign } from '../../shared/store/dynamodb/table-design.js';

export interface TablesProps {
  /** The tables to create (`tableDesign(entity)` per entity, the api-keys design …), by table id. */
  readonly designs: readonly TableDesign[];
  /**
   * What happens to the tables (and their data) when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse DeleteTable calls, even from CloudFormation.
   * @default - true unless `removalPolicy` is DESTROY (a protected table would block the teardown)
   */
  readonly deletionProtection?: boolean;
}

/**
 * One on-demand table per design (each entity's, the api-keys one), shaped by the design so
 * that the GSIs the store queries and the GSIs that exist can never differ (and a declared
 * stream exists, `tableStreamArn`). PITR and AWS-managed KMS encryption are always on.
 */
export class Tables extends Construct {
  /** Tables by table id (`students`, `api-keys`). */
  public readonly tables: Readonly<Record<string, ITableV2>>;
  /** The design each table was built from, by table id: env var and index names for grants. */
  public readonly designs: Readonly<Record<string, TableDesign>>;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY;
    const tables: Record<string, ITableV2> = {};
    const designs: Record<string, TableDesign> = {};
    for (const design of props.designs) {
      tables[design.id] = new TableV2(this, design.id, {
        partitionKey: { name: design.partitionKey, type: AttributeType.STRING },
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryptionV2.awsManagedKey(),
        deletionProtection,
        removalPolicy,
        ...(design.timeToLiveAttribute ? { timeToLiveAttribute: design.timeToLiveAttribute } : {}),
        ...(design.stream ? { dynamoStream: StreamViewType[design.stream] } : {}),
        // Every key attribute is a string: sort values are encoded to sort as the API promises.
        globalSecondaryIndexes: design.indexes.map((index) => ({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          // Lean entries (keys + search text): list pages fetch their items with one BatchGetItem.
          ...(index.include ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] } : { projectionType: ProjectionType.KEYS_ONLY }),
        })),
      });
      designs[design.id] = design;
    }
    this.tables = tables;
    this.designs = designs;
  }
}
