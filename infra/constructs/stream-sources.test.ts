import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { apiKeysTable } from '../../shared/api-keys/api-keys.table.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { type StreamSourceDeclaration, streamSources } from '../../shared/events/stream-sources.js';
import { STREAM_READ_ACTIONS, StreamSources } from './stream-sources.js';
import { Tables } from './tables.js';

function synth(declarations?: readonly StreamSourceDeclaration[]) {
  const stack = new Stack(new App(), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: [outboxTable, apiKeysTable] });
  const fn = new LambdaFunction(stack, 'Publisher', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({});'),
  });
  const sources = new StreamSources(stack, 'StreamSources', { tables, functions: { 'outbox-publisher': fn }, declarations });
  return { stack, tables, fn, sources, template: Template.fromStack(stack) };
}

describe('StreamSources', () => {
  it('maps the outbox stream to the publisher as declared: TRIM_HORIZON, batch 100, 1 s window, bisect, retry until success, partial failures', () => {
    const { stack, tables, fn, template } = synth();
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(tables.tables.outbox!.tableStreamArn),
      FunctionName: stack.resolve(fn.functionName),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: -1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(streamSources).toEqual([expect.objectContaining({ table: 'outbox', consumer: 'outbox-publisher', maximumRetryAttempts: -1 })]);
  });

  it('lets the consumer read that stream only: no ListStreams on "*", nothing on the table itself', () => {
    const { stack, tables, fn, template } = synth();
    const roleRef = stack.resolve(fn.role!.roleName);
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [roleRef] } })).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    expect(statements).toEqual([{ Effect: 'Allow', Action: STREAM_READ_ACTIONS, Resource: stack.resolve(tables.tables.outbox!.tableStreamArn) }]);
  });

  it('refuses a declaration whose table has no stream, an unknown table or an unknown consumer', () => {
    const base = streamSources[0]!;
    expect(() => synth([{ ...base, table: apiKeysTable.id }])).toThrow(/table 'api-keys' declares no stream/);
    expect(() => synth([{ ...base, table: 'nope' }])).toThrow(/unknown table 'nope'/);
    expect(() => synth([{ ...base, consumer: 'nobody' }])).toThrow(/no function 'nobody'/);
    expect(() => synth([base, base])).toThrow(/declared twice/);
  });

  it('alarms when the publisher is an hour behind on the stream (records older than 24 h are lost)', () => {
    const { stack, fn, template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(fn.functionName) }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 3_600_000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('leaves out the batching window when none is declared', () => {
    const { template } = synth([{ ...streamSources[0]!, maximumBatchingWindowSeconds: undefined }]);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: Match.absent() });
  });
});
