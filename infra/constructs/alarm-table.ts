import { CATALOGUE_ALARMS, DEFAULT_ALARM_THRESHOLDS, type AlarmThresholds } from './observability.js';

/** Every alarm of the stack with its threshold and why, as a Markdown table (docs/observability.md holds it). */
export function alarmTable(thresholds: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): string {
  const t = thresholds;
  const rows: [string, string, string, string][] = [
    [
      '`Api5xxRate`',
      'AWS/ApiGateway `5xx` / `Count` (stage)',
      `≥ ${t.serverErrorPercent}% for ${t.apiEvaluationPeriods} × 5 min, only with ≥ ${t.minRequests} requests`,
      'Bad input is answered 4xx, so a 5xx is a bug (500) or a dependency outage (503); a sustained share of them is an incident. The minimum keeps one 500 among three requests at night from paging.',
    ],
    [
      '`ApiP99Latency`',
      'AWS/ApiGateway `Latency` p99 (stage)',
      `≥ ${t.p99LatencyMs} ms for ${t.apiEvaluationPeriods} × 5 min`,
      'Every route answers far below this when healthy (see docs/performance.md); 2 s at p99 for 15 min is a slow dependency, a cold-start storm or a scan-heavy query, caught well before the 29 s gateway limit.',
    ],
    [
      '`<function>-errors`',
      'AWS/Lambda `Errors`, per function',
      `≥ ${t.functionErrors} per 5 min`,
      'HTTP handlers turn errors into responses, so a Lambda error is a crash, an out-of-memory or a timeout; consumers and the import function rethrow to be retried.',
    ],
    [
      '`<function>-throttles`',
      'AWS/Lambda `Throttles`, per function',
      `≥ ${t.functionThrottles} per 5 min`,
      'The account or reserved concurrency is exhausted: callers are refused by Lambda itself.',
    ],
    [
      '`<table>-throttles`',
      'AWS/DynamoDB `ReadThrottleEvents` + `WriteThrottleEvents`, per table',
      `≥ ${t.tableThrottles} per 5 min`,
      'On-demand tables throttle on a hot partition or a sudden ramp; the SDK retries a few, more than that reaches callers as 503.',
    ],
    [
      '`CacheThrottled`',
      'AWS/ElastiCache `ThrottledCmds` of the serverless cache (dimension `clusterId`)',
      `≥ ${t.cacheThrottles} per 5 min`,
      'The cache fails open, so throttling shows as slower reads and more DynamoDB load, not errors: a sign to raise the ECPU limit.',
    ],
    [
      '`<queue>-dlq-alarm`',
      'AWS/SQS `ApproximateNumberOfMessagesVisible` of each DLQ (shared/events/queues.ts)',
      '≥ 1 (max over 1 min)',
      'A message failed its consumer `maxReceiveCount` times or EventBridge could not deliver it: it waits for a fix and a redrive.',
    ],
    ...CATALOGUE_ALARMS.map((entry): [string, string, string, string] => [
      `\`${entry.name}\``,
      `RecordsPlatform \`${entry.name}\`, summed over every function (Metrics Insights)`,
      `≥ ${entry.alarm.threshold ?? 1} per 5 min`,
      `${entry.alarm.why}.`,
    ]),
  ];
  return ['| Alarm | Metric | Threshold | Why |', '| --- | --- | --- | --- |', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
