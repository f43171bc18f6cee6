/** One metric value read from a CloudWatch EMF line. */
export interface EmfMetric {
  namespace: string;
  name: string;
  unit: string;
  /** The dimension values of the line's (first) dimension set, `service` included. */
  dimensions: Record<string, string>;
  /** EMF allows one value or an array of values per metric. */
  values: number[];
}

interface EmfDirective {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

/**
 * The metrics of one line when it is CloudWatch Embedded Metric Format (what Powertools
 * Metrics writes to stdout: `{"_aws":{"CloudWatchMetrics":[…]}, "<name>": value, …}`),
 * else undefined. Anything malformed is not EMF: a log line must never break the reader.
 */
export function parseEmfLine(line: string): EmfMetric[] | undefined {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const aws = record._aws as { CloudWatchMetrics?: unknown } | undefined;
  if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return undefined;
  const out: EmfMetric[] = [];
  for (const directive of aws.CloudWatchMetrics as EmfDirective[]) {
    if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const names = Array.isArray(directive.Dimensions) && Array.isArray(directive.Dimensions[0]) ? (directive.Dimensions[0] as unknown[]) : [];
    const dimensions: Record<string, string> = {};
    for (const name of names) {
      if (typeof name === 'string' && typeof record[name] === 'string') dimensions[name] = record[name] as string;
    }
    for (const metric of directive.Metrics as { Name?: unknown; Unit?: unknown }[]) {
      if (typeof metric?.Name !== 'string') continue;
      const raw = record[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) continue;
      out.push({ namespace: directive.Namespace, name: metric.Name, unit: typeof metric.Unit === 'string' ? metric.Unit : 'None', dimensions, values });
    }
  }
  return out;
}
