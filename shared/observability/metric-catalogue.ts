import type { MetricUnit } from '@aws-lambda-powertools/metrics';

/** A CloudWatch unit as Powertools spells it (`Count`, `Milliseconds` …). */
export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Dashboard rows the business widgets are grouped in (docs/observability.md lists them). */
export type MetricGroup = 'students' | 'products' | 'entities' | 'imports' | 'exports' | 'orders' | 'flags' | 'cache' | 'resilience' | 'auth' | 'http';

/**
 * An alarm on the metric summed over every function: breaches when a period's sum reaches
 * `threshold`. Missing data is "nothing happened" (not breaching).
 */
export interface MetricAlarm {
  /** @default 1 */
  threshold?: number;
  /** Why someone is woken up: goes into the alarm description. */
  why: string;
}

/** One metric the functions emit (EMF, namespace `RecordsPlatform`). */
export interface MetricDeclaration {
  unit: MetricUnitName;
  /**
   * Dimensions beyond `service` (the function id Powertools adds to every metric). Low
   * cardinality only: each value combination is a CloudWatch metric that is paid for.
   */
  dimensions?: readonly string[];
  group: MetricGroup;
  description: string;
  alarm?: MetricAlarm;
}

/**
 * THE list of metrics. Emitting code names them through `emitMetric` (a typo does not
 * compile); the dashboard, the alarms and docs/observability.md are derived from here.
 * Adding a metric is one entry.
 */
export const metricCatalogue = {
  StudentsCreated: { unit: 'Count', group: 'students', description: 'Students created through the API (not by imports).' },
  StudentsUpdated: { unit: 'Count', group: 'students', description: 'Students updated through the API.' },
  StudentsDeleted: { unit: 'Count', group: 'students', description: 'Students deleted through the API.' },
  ProductsCreated: { unit: 'Count', group: 'products', description: 'Products created through the API.' },
  ProductsUpdated: { unit: 'Count', group: 'products', description: 'Products updated through the API (stock changes not included).' },
  ProductsDeleted: { unit: 'Count', group: 'products', description: 'Products deleted through the API.' },
  // npm run new:entity adds the write metrics of new entities above this line (group `entities`).

  ImportRowsProcessed: { unit: 'Count', group: 'imports', description: 'Data rows an import job read, counted once when the job finishes.' },
  ImportRowErrors: { unit: 'Count', group: 'imports', description: 'Rows of a finished import job rejected by validation.' },
  ImportJobDuration: {
    unit: 'Milliseconds',
    group: 'imports',
    description: 'From a job’s first start to its end (completed, with errors, or failed), resumed runs included.',
  },
  ImportJobsFailed: {
    unit: 'Count',
    group: 'imports',
    description: 'Import jobs that ended `failed` (the file itself was unusable or over a limit).',
    alarm: { why: 'An import job failed: its uploader got no data in; the job’s message says why (format, limit)' },
  },
  ExportRows: { unit: 'Count', dimensions: ['format'], group: 'exports', description: 'Rows written by an export, per format (csv, xlsx, json, xml).' },

  OrdersCreated: { unit: 'Count', group: 'orders', description: 'Orders accepted by the API (saga started).' },
  OrdersCompleted: { unit: 'Count', group: 'orders', description: 'Orders whose saga finished successfully.' },
  OrdersRejected: { unit: 'Count', group: 'orders', description: 'Orders whose saga ended rejected (stock or payment), compensations run.' },
  InventoryReserved: { unit: 'Count', group: 'orders', description: 'Orders whose stock the inventory-reserve consumer reserved (all lines).' },
  InventoryReservationFailed: {
    unit: 'Count',
    group: 'orders',
    description: 'Orders the inventory-reserve consumer could not reserve (a line short or unknown): nothing held.',
  },
  InventoryReleased: {
    unit: 'Count',
    group: 'orders',
    description: 'Reservations given back by the inventory-release consumer (payment failed or cancelled).',
  },
  PaymentsSucceeded: { unit: 'Count', group: 'orders', description: 'Payments the gateway accepted.' },
  PaymentsFailed: { unit: 'Count', group: 'orders', description: 'Payments the gateway refused or could not process.' },

  CacheHit: { unit: 'Count', group: 'cache', description: 'Reads answered by the cache (L1 or L2).' },
  CacheMiss: { unit: 'Count', group: 'cache', description: 'Reads the cache could not answer: loaded from DynamoDB.' },
  CacheUnavailable: {
    unit: 'Count',
    group: 'cache',
    description: 'Redis/Valkey failed or was slow: counted once per circuit opening.',
    alarm: { why: 'Redis/Valkey failed or was slow for a function: its reads go to DynamoDB while the circuit is open (15 s per opening)' },
  },

  RateLimited: { unit: 'Count', group: 'resilience', description: 'Requests refused with 429 by the rate limiter.' },
  RateLimitLocalFallback: {
    unit: 'Count',
    group: 'resilience',
    description: 'Requests limited by one container alone because Redis was unreachable.',
    alarm: { why: 'The rate limiter could not reach Redis: each container limits alone with its share of every rule (approximate)' },
  },
  FlagEvaluations: {
    unit: 'Count',
    dimensions: ['flag', 'value'],
    group: 'flags',
    description: 'Feature flag evaluations per flag and value (declared flags × their values), tallied per invocation.',
  },
  CircuitOpen: {
    unit: 'Count',
    dimensions: ['dependency'],
    group: 'resilience',
    description: 'A circuit breaker opened (once per opening), per dependency (dynamodb, cache, rateLimit, requestMetrics, payments); states in GET /health.',
  },
  RequestTimeout: {
    unit: 'Count',
    group: 'resilience',
    description: 'Requests answered 503 because their time budget ran out.',
    alarm: { threshold: 5, why: 'Requests ran out of time and were answered 503: a dependency is slow' },
  },
  DependencyError: { unit: 'Count', group: 'resilience', description: 'Requests answered 503 because a dependency was unavailable.' },

  AuthenticationFailed: {
    unit: 'Count',
    group: 'auth',
    description: 'Requests without a valid identity (credential missing, bad, expired or revoked), in the authorizer and in the function.',
  },
  AuthenticationThrottled: { unit: 'Count', group: 'auth', description: 'Requests refused 429 after too many failed attempts from the same IP or API key.' },
  AuthenticationUnavailable: {
    unit: 'Count',
    group: 'auth',
    description: 'Credentials could not be checked (JWKS or key store unreachable).',
    alarm: { why: 'Callers could not be authenticated because the JWKS or the API-key store was unreachable' },
  },
  JwksCopyFailed: {
    unit: 'Count',
    group: 'auth',
    description: 'Runs of the JWKS copier that kept the previous copy (fetch failed or the JWKS was invalid); alarmed after 3 in a row.',
  },
  AuthorizationDenied: { unit: 'Count', group: 'auth', description: 'Authenticated callers refused 403 for their role.' },
  RevocationCheckUnavailable: { unit: 'Count', group: 'auth', description: 'The authorizer could not read the revocation list.' },
  RevocationCheckFailedOpen: {
    unit: 'Count',
    group: 'auth',
    description: 'Reads accepted without a revocation check (list unreachable).',
    alarm: { why: 'The revocation list was unreachable: reads were accepted without checking revocations' },
  },
  RevocationCheckFailedClosed: {
    unit: 'Count',
    group: 'auth',
    description: 'Writes and admin operations refused 503 (revocation list unreachable).',
    alarm: { why: 'The revocation list was unreachable: writes and admin operations were refused with 503' },
  },
  ApiKeyRevocationNotListed: { unit: 'Count', group: 'auth', description: 'An API key was revoked in DynamoDB but could not be added to the revocation list.' },

  ClientError: { unit: 'Count', group: 'http', description: 'Requests answered with a 4xx problem.' },
  UnhandledError: { unit: 'Count', group: 'http', description: 'Requests answered 500: a bug (details in the logs).' },
  UntrustedHost: { unit: 'Count', group: 'http', description: 'Requests refused 400 for a Host header not in ALLOWED_HOSTS.' },
  SuspiciousRequest: { unit: 'Count', group: 'http', description: 'Requests refused before business code (hostile path, header or body).' },
} as const satisfies Record<string, MetricDeclaration>;

/** A declared metric's name. */
export type MetricName = keyof typeof metricCatalogue;

/** Every declared metric with its name, in catalogue order. */
export function catalogueEntries(): (MetricDeclaration & { name: MetricName })[] {
  return (Object.keys(metricCatalogue) as MetricName[]).map((name) => ({ name, ...(metricCatalogue[name] as MetricDeclaration) }));
}

/** Whether `name` is declared (for names built at runtime, like an entity's write metrics). */
export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(metricCatalogue, name);
}
