import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { apiKeysTable } from '../../shared/api-keys/api-keys.table.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { Tables, type TablesProps } from './tables.js';

function synth(props: Partial<TablesProps> = {}) {
  const stack = new Stack(new App(), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students)], ...props });
  return { stack, tables, template: Template.fromStack(stack) };
}

describe('Tables', () => {
  it('creates a design without indexes (api-keys) as a plain key-value table', () => {
    const { template } = synth({ designs: [apiKeysTable] });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Match.absent(),
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('gives a design with a stream (the outbox) that stream view and TTL, and exposes its stream ARN', () => {
    const { stack, tables, template } = synth({ designs: [outboxTable] });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: Match.absent(),
    });
    const [logicalId] = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(stack.resolve(tables.tables.outbox?.tableStreamArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'StreamArn'] });
  });

  it('creates no stream for a design that declares none', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: Match.absent() });
  });

  it('creates one on-demand, PITR-enabled, KMS-encrypted table per design', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('creates exactly the GSIs of the table design, each a lean keys-plus-search-text projection', () => {
    const { template } = synth();
    const expected = tableDesign(students).indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'KEYS_ONLY' },
    }));
    expect(expected.map((index) => index.Projection)).toEqual(expected.map(() => ({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['_search'] })));
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { GlobalSecondaryIndexes: expected });
  });

  it('exposes each table and its design under the table id', () => {
    const { stack, tables, template } = synth();
    const [logicalId] = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(stack.resolve(tables.tables.students?.tableArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    expect(tables.designs.students).toEqual(tableDesign(students));
  });

  it('retains tables and protects them from deletion by default', () => {
    const { template } = synth();
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });

  it('drops deletion protection when the tables are meant to be destroyed', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });

  it('lets deletion protection be set explicitly', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
  });
});
