import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_WAF_RATE_LIMIT } from '../constructs/edge-web-acl.js';
import type { NotificationChannelsConfig } from '../constructs/notification-channels.js';
import { notificationsConfigFrom } from './notifications-config.js';

/** The stage every `cdk` command uses unless `-c stage=<name>` says otherwise. */
export const DEFAULT_STAGE = 'dev';

/** Lowercase, starts with a letter, short: it goes into the stack name and every derived name. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** Context values accepted by `-c removalPolicy=...`. */
const REMOVAL_POLICIES: Record<string, RemovalPolicy> = {
  retain: RemovalPolicy.RETAIN,
  destroy: RemovalPolicy.DESTROY,
};

/** Everything that differs between two deployments of the platform, resolved from `-c` context. */
export interface StageConfig {
  /** `dev`, `prod`, `staging`, `pr-42` … */
  readonly stage: string;
  /** `RecordsPlatform-<stage>`: the CloudFormation stack, and through it every generated name. */
  readonly stackName: string;
  /** Tables, user pool, secret, queues, buckets and log groups. dev: DESTROY; every other stage: RETAIN. */
  readonly removalPolicy: RemovalPolicy;
  /** Empties the imports bucket (and its log bucket) on delete; only where removal is DESTROY. */
  readonly autoDeleteObjects: boolean;
  /** Every log group of the stack. dev: 1 week; every other stage: 3 months. */
  readonly logRetention: RetentionDays;
  /** On for every stage but dev. */
  readonly terminationProtection: boolean;
  /** `CORS_ALLOWED_ORIGINS` of every HTTP function: `allowedOrigins` plus `consoleOrigin`. */
  readonly allowedOrigins: readonly string[];
  /** `RecordsPlatform/<stage>`: metrics, alarms and the dashboard of one stage only. */
  readonly metricsNamespace: string;
  readonly alarmEmail?: string;
  /** Stage-wide API Gateway throttle (the `HttpApi` defaults, 100 rps / 200 burst, when unset). */
  readonly throttleRateLimit?: number;
  readonly throttleBurstLimit?: number;
  readonly redisUrl?: string;
  /** `-c domainName=api.example.com -c certificateArn=arn:aws:acm:…` (both or neither). */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** `-c notificationsEmailFrom=… …` (infra/stacks/notifications-config.ts); empty: notifications not configured. */
  readonly notifications: NotificationChannelsConfig;
  /**
   * CloudFront + an AWS WAF web ACL in front of the API (`-c waf=true`, docs/security.md#aws-waf):
   * the ACL's rate limit per source IP per 5 minutes (`-c wafRateLimit=…`), or an existing
   * `CLOUDFRONT` web ACL (`-c wafWebAclArn=arn:aws:wafv2:us-east-1:…`). Off by default.
   */
  readonly waf?: { readonly rateLimit: number; readonly webAclArn?: string };
  /** The web console in AWS (`ConsoleStack`); `-c console=false` leaves it out. Default on. */
  readonly console: boolean;
  /** Tags every resource: `stage`, `app`. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Reads one context value; `undefined` for unset or empty. */
export type ContextReader = (key: string) => unknown;

/**
 * The stage of a `cdk` invocation from its context (`-c stage=prod -c allowedOrigins=https://a,https://b …`).
 * Refuses what would be unsafe rather than guessing: an unknown removal policy, a `*` origin
 * outside dev, an origin that is not a bare `scheme://host[:port]`, a non-numeric throttle.
 */
export function stageConfigFrom(context: ContextReader): StageConfig {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
    return value.trim();
  };
  const stage = text('stage') ?? DEFAULT_STAGE;
  if (!STAGE_NAME.test(stage)) throw new Error(`context stage must match ${STAGE_NAME} (got '${stage}')`);
  const isDev = stage === DEFAULT_STAGE;

  const removalPolicy = removalPolicyFrom(text('removalPolicy'), isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
  const allowedOrigins = originsFrom([text('allowedOrigins'), text('consoleOrigin')], stage, isDev);
  return {
    stage,
    stackName: `RecordsPlatform-${stage}`,
    removalPolicy,
    autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    logRetention: isDev ? RetentionDays.ONE_WEEK : RetentionDays.THREE_MONTHS,
    terminationProtection: !isDev,
    allowedOrigins,
    metricsNamespace: `RecordsPlatform/${stage}`,
    alarmEmail: text('alarmEmail'),
    throttleRateLimit: positiveNumber('throttleRateLimit', text('throttleRateLimit')),
    throttleBurstLimit: positiveNumber('throttleBurstLimit', text('throttleBurstLimit')),
    redisUrl: text('redisUrl'),
    ...domainFrom(text('domainName'), text('certificateArn')),
    notifications: notificationsConfigFrom(context),
    ...wafFrom(booleanFrom('waf', context('waf'), false), text('wafRateLimit'), text('wafWebAclArn')),
    console: booleanFrom('console', context('console'), true),
    tags: { app: 'records-platform', stage },
  };
}

function removalPolicyFrom(value: string | undefined, fallback: RemovalPolicy): RemovalPolicy {
  if (value === undefined) return fallback;
  const policy = REMOVAL_POLICIES[value.toLowerCase()];
  if (!policy) throw new Error(`context removalPolicy must be one of ${Object.keys(REMOVAL_POLICIES).join(', ')}`);
  return policy;
}

function originsFrom(lists: (string | undefined)[], stage: string, isDev: boolean): string[] {
  const origins = [
    ...new Set(
      lists
        .flatMap((list) => (list ?? '').split(','))
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  ];
  for (const origin of origins) {
    if (origin === '*') {
      if (!isDev) throw new Error(`context allowedOrigins: '*' is refused for stage '${stage}'; list the origins`);
      continue;
    }
    // What a browser sends in Origin: scheme, host and optional port, nothing else.
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) throw new Error(`context allowedOrigins: '${origin}' is not an origin (scheme://host[:port])`);
    if (!isDev && origin.startsWith('http://')) throw new Error(`context allowedOrigins: '${origin}' is not HTTPS (stage '${stage}')`);
  }
  return origins;
}

function domainFrom(name: string | undefined, certificateArn: string | undefined): Pick<StageConfig, 'domain'> {
  if (name === undefined && certificateArn === undefined) return {};
  if (name === undefined || certificateArn === undefined) throw new Error('context domainName and certificateArn go together');
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(name)) throw new Error(`context domainName: '${name}' is not a host name`);
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn))
    throw new Error(`context certificateArn: '${certificateArn}' is not an ACM certificate ARN`);
  return { domain: { name: name.toLowerCase(), certificateArn } };
}

function wafFrom(on: boolean, rateLimit: string | undefined, webAclArn: string | undefined): Pick<StageConfig, 'waf'> {
  if (!on) {
    if (rateLimit !== undefined || webAclArn !== undefined) throw new Error('context wafRateLimit and wafWebAclArn need -c waf=true');
    return {};
  }
  const limit = rateLimit === undefined ? DEFAULT_WAF_RATE_LIMIT : Number(rateLimit);
  if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000)
    throw new Error(`context wafRateLimit must be an integer from 10 to 2000000000 (got '${rateLimit}')`);
  if (webAclArn !== undefined && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[A-Za-z0-9-]+$/.test(webAclArn))
    throw new Error(`context wafWebAclArn: '${webAclArn}' is not the ARN of a CLOUDFRONT (global, us-east-1) WAFv2 web ACL`);
  return { waf: { rateLimit: limit, ...(webAclArn ? { webAclArn } : {}) } };
}

/** `-c console=false` (a string on the command line; a boolean from cdk.json or a test's context). */
function booleanFrom(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw new Error(`context ${key} must be true or false (got '${value}')`);
}

function positiveNumber(key: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`context ${key} must be a positive number (got '${value}')`);
  return number;
}
