import { App, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { catalogueEntries } from '../../shared/observability/metric-catalogue.js';
import { BUSINESS_ROWS, Dashboard, type DashboardProps } from './dashboard.js';

interface Widget {
  type: string;
  width: number;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; alarms?: string[] };
}

/** The dashboard body with every CloudFormation token replaced by `<Ref:Id>`, parsed. */
function widgetsOf(template: Template): Widget[] {
  const [dashboard, ...more] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(more).toEqual([]);
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `<${tokenName(part)}>`)).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

function tokenName(part: unknown): string {
  const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return token.Ref ? `Ref:${token.Ref}` : `GetAtt:${token['Fn::GetAtt']?.join('.')}`;
}

function synth(extra: Partial<DashboardProps> = {}) {
  const stack = new Stack(new App(), 'Test');
  const api = new HttpApi(stack, 'Api', { createDefaultStage: false });
  const stage = new HttpStage(stack, 'Stage', { httpApi: api, stageName: '$default' });
  const fn = (id: string, routeKeys: string[]) => ({
    declaration: { id },
    routeKeys,
    function: new LambdaFunction(stack, id, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => 1'),
    }),
  });
  const table = new TableV2(stack, 'Students', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const dlq = new Queue(stack, 'Dlq');
  const queue = new Queue(stack, 'Queue', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  const alarm = new Alarm(stack, 'SomeAlarm', { metric: new Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1 });
  const functions = [
    fn('students-get', ['GET /api/v1/students/{student_id}', 'HEAD /api/v1/students/{student_id}']),
    fn('students-create', ['POST /api/v1/students']),
    fn('system-fallback', ['$default']),
    fn('imports-on-object-created', []),
  ];
  new Dashboard(stack, 'Dashboard', {
    stage,
    functions,
    tables: { students: { table, indexes: ['by-name', 'by-score'] } },
    queues: { 'payment-process': { queue, dlq } },
    alarms: [alarm],
    ...extra,
  });
  const ids = Object.fromEntries([
    ...functions.map((f) => [f.declaration.id, stack.getLogicalId(f.function.node.defaultChild as never)]),
    ['table', stack.getLogicalId(table.node.defaultChild as never)],
    ['api', stack.getLogicalId(api.node.defaultChild as never)],
    ['dlq', stack.getLogicalId(dlq.node.defaultChild as never)],
    ['alarm', stack.getLogicalId(alarm.node.defaultChild as never)],
  ]);
  return { template: Template.fromStack(stack), ids };
}

const titled = (widgets: Widget[], title: string) => {
  const found = widgets.find((widget) => widget.properties.title === title);
  expect(found, title).toBeDefined();
  return found!;
};
/** A metric row as `namespace name dim=value …` (dimensions sorted by name); expressions as their text. */
const lines = (widget: Widget) =>
  widget.properties.metrics!.map((row) => {
    const last = row[row.length - 1] as { expression?: string };
    if (last.expression) return last.expression;
    const [namespace, name, ...dims] = row.filter((cell) => typeof cell === 'string') as string[];
    const pairs = [];
    for (let i = 0; i < dims.length; i += 2) pairs.push(`${dims[i]}=${dims[i + 1]}`);
    return [namespace, name, ...pairs.sort()].join(' ');
  });
const stats = (widget: Widget) => widget.properties.metrics!.map((row) => (row[row.length - 1] as { stat?: string }).stat);

describe('Dashboard', () => {
  it('charts requests, 4xx, 5xx and p50/p99 latency per route key, a row per function group', () => {
    const { template, ids } = synth();
    const widgets = widgetsOf(template);
    const route = (name: string, key: string) => `AWS/ApiGateway ${name} ApiId=<Ref:${ids.api}> Route=${key} Stage=$default`;
    const students = ['GET /api/v1/students/{student_id}', 'HEAD /api/v1/students/{student_id}', 'POST /api/v1/students'];
    expect(lines(titled(widgets, 'students: requests per route'))).toEqual(students.map((key) => route('Count', key)));
    expect(lines(titled(widgets, 'students: 4xx per route'))).toEqual(students.map((key) => route('4xx', key)));
    expect(lines(titled(widgets, 'students: 5xx per route'))).toEqual(students.map((key) => route('5xx', key)));
    const latency = titled(widgets, 'students: latency p50 / p99 per route (ms)');
    expect(lines(latency)).toEqual(students.flatMap((key) => [route('Latency', key), route('Latency', key)]));
    expect(stats(latency)).toEqual(students.flatMap(() => ['p50', 'p99']));
    expect(lines(titled(widgets, 'system: requests per route'))).toEqual([route('Count', '$default')]);
    // A group without routes gets no route row.
    expect(widgets.some((widget) => widget.properties.title === 'imports: requests per route')).toBe(false);
  });

  it('charts API totals with p50, p90 and p99 latency', () => {
    const widgets = widgetsOf(synth().template);
    expect(stats(titled(widgets, 'Latency p50 / p90 / p99 (ms)'))).toEqual(['p50', 'p90', 'p99']);
    expect(lines(titled(widgets, '4xx / 5xx')).map((line) => line.split(' ')[1])).toEqual(['4xx', '5xx']);
  });

  it('charts errors, throttles, p99 duration and concurrency of every function, per group', () => {
    const { template, ids } = synth();
    const widgets = widgetsOf(template);
    const fn = (name: string, id: string) => `AWS/Lambda ${name} FunctionName=<Ref:${ids[id]}>`;
    expect(lines(titled(widgets, 'students: errors'))).toEqual([fn('Errors', 'students-get'), fn('Errors', 'students-create')]);
    expect(lines(titled(widgets, 'students: throttles'))).toEqual([fn('Throttles', 'students-get'), fn('Throttles', 'students-create')]);
    expect(stats(titled(widgets, 'students: duration p99 (ms)'))).toEqual(['p99', 'p99']);
    expect(lines(titled(widgets, 'imports: concurrent executions'))).toEqual([fn('ConcurrentExecutions', 'imports-on-object-created')]);
  });

  it('charts throttles and consumed capacity of each table and each of its GSIs', () => {
    const { template, ids } = synth();
    const widgets = widgetsOf(template);
    const table = `TableName=<Ref:${ids.table}>`;
    expect(lines(titled(widgets, 'students: throttle events (table and GSIs)'))).toEqual([
      `AWS/DynamoDB ReadThrottleEvents ${table}`,
      `AWS/DynamoDB WriteThrottleEvents ${table}`,
      `AWS/DynamoDB ReadThrottleEvents GlobalSecondaryIndexName=by-name ${table}`,
      `AWS/DynamoDB WriteThrottleEvents GlobalSecondaryIndexName=by-name ${table}`,
      `AWS/DynamoDB ReadThrottleEvents GlobalSecondaryIndexName=by-score ${table}`,
      `AWS/DynamoDB WriteThrottleEvents GlobalSecondaryIndexName=by-score ${table}`,
    ]);
    expect(lines(titled(widgets, 'students: consumed capacity (table and GSIs)'))).toHaveLength(6);
  });

  it('charts the serverless cache’s throttles, ECPUs, latency and size when given its name', () => {
    const widgets = widgetsOf(synth({ cacheName: 'records-cache' }).template);
    expect(lines(titled(widgets, 'Throttled commands'))).toEqual(['AWS/ElastiCache ThrottledCmds clusterId=records-cache']);
    expect(stats(titled(widgets, 'Read / write latency p99 (µs)'))).toEqual(['p99', 'p99']);
    expect(widgetsOf(synth().template).some((widget) => widget.properties.title === 'Throttled commands')).toBe(false);
  });

  it('charts every queue’s DLQ depth', () => {
    const { template, ids } = synth();
    expect(lines(titled(widgetsOf(template), 'DLQ depth (alarms at 1)'))).toEqual([
      `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=<GetAtt:${ids.dlq}.QueueName>`,
    ]);
  });

  it('charts every catalogue metric in its group’s row, summed over the functions with SEARCH', () => {
    const widgets = widgetsOf(synth().template);
    const expressions = widgets.flatMap((widget) => (widget.properties.metrics ? lines(widget) : []));
    for (const entry of catalogueEntries()) {
      const schema = ['RecordsPlatform', ...(entry.dimensions ?? []), 'service'].join(',');
      const reduce =
        entry.unit === 'Count'
          ? `SUM(SEARCH('{${schema}} MetricName="${entry.name}"', 'Sum', 300))`
          : `MAX(SEARCH('{${schema}} MetricName="${entry.name}"', 'Maximum', 300))`;
      expect(expressions, entry.name).toContain(reduce);
    }
    expect(lines(titled(widgets, BUSINESS_ROWS.students))).toEqual(
      ['StudentsCreated', 'StudentsUpdated', 'StudentsDeleted'].map((name) => `SUM(SEARCH('{RecordsPlatform,service} MetricName="${name}"', 'Sum', 300))`),
    );
    const orderMetrics = catalogueEntries()
      .filter((entry) => entry.group === 'orders')
      .map((entry) => `SUM(SEARCH('{RecordsPlatform,service} MetricName="${entry.name}"', 'Sum', 300))`);
    expect(lines(titled(widgets, BUSINESS_ROWS.orders))).toEqual(orderMetrics);
  });

  it('derives the cache hit ratio and import rows per second by metric math', () => {
    const widgets = widgetsOf(synth().template);
    expect(lines(titled(widgets, 'Cache hit ratio (%)'))).toContain('100 * hits / (hits + misses)');
    expect(lines(titled(widgets, 'Import rows per second'))).toContain('rows / PERIOD(rows)');
  });

  it('shows the alarms it is given at the top', () => {
    const { template, ids } = synth();
    const [first] = widgetsOf(template);
    expect(first).toMatchObject({ type: 'alarm', width: 24, properties: { alarms: [`<GetAtt:${ids.alarm}.Arn>`] } });
  });

  it('fits each row in the 24-column grid', () => {
    const widgets = widgetsOf(synth().template) as (Widget & { x: number })[];
    for (const widget of widgets) expect(widget.x + widget.width, widget.properties.title).toBeLessThanOrEqual(24);
  });
});
