import type { Permission } from '../entity/define-entity.js';
import type { IdentityKind } from './rate-limit-identity.js';

/**
 * One token bucket per (rule, identity): `burst` tokens at most, refilled at `perMinute`.
 * The first rule that matches a request decides; a request no rule matches is not limited.
 */
export interface RateLimitRule {
  /** Names the bucket (part of its Redis key) and the env override `RATE_LIMIT_<ID>`. */
  readonly id: string;
  /**
   * Route keys it covers, as globs (`*` any run): `POST /api/v1/students`, `GET *`, `*`.
   * Requests that reach API Gateway's `$default` route are matched as `<METHOD> $default`.
   */
  readonly routes: readonly string[];
  /** Only routes declaring one of these permissions. @default any */
  readonly permissions?: readonly Permission[];
  /** Only callers identified this way. @default any */
  readonly identities?: readonly IdentityKind[];
  /** Sustained requests per minute per identity: the refill rate. */
  readonly perMinute: number;
  /** Bucket capacity: how many requests an identity that was idle may send at once. */
  readonly burst: number;
}

/**
 * THE rate limits of the API, per identity (API key, else user, else IP). The admin API
 * (credentials, cache) is the most sensitive, writes cost the most; everything else, public
 * routes and unmatched paths included, is a read. Deleting a student needs the admin role but
 * is a write of data, not administration.
 */
export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [
  { id: 'admin', routes: ['* /api/v1/admin/*'], perMinute: 10, burst: 5 },
  { id: 'write', routes: ['POST *', 'PUT *', 'PATCH *', 'DELETE *'], perMinute: 30, burst: 10 },
  { id: 'read', routes: ['*'], perMinute: 100, burst: 20 },
];

const RULE_ID = /^[a-z][a-z0-9-]*$/;
const EXPLICIT_LIMIT = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/;

/** The env var that sets one rule's limits exactly: `RATE_LIMIT_READ`, `RATE_LIMIT_WRITE`, … */
export function overrideVariable(ruleId: string): string {
  return `RATE_LIMIT_${ruleId.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * The rules in force: `RATE_LIMIT_<ID>=<perMinute>:<burst>` sets a rule exactly (e.g.
 * `RATE_LIMIT_READ=300:5`: 5 at once, then 5 per second); `RATE_LIMIT_SCALE` multiplies
 * both numbers of every other rule (tests and benchmarks raise limits with it). Invalid
 * values throw: a limiter silently configured otherwise than asked is worse than none.
 */
export function rateLimitRules(env: NodeJS.ProcessEnv, rules: readonly RateLimitRule[] = RATE_LIMIT_RULES): RateLimitRule[] {
  const scale = scaleOf(env.RATE_LIMIT_SCALE);
  return rules.map((rule) => {
    if (!RULE_ID.test(rule.id)) throw new Error(`rate limit rule id '${rule.id}' must match ${RULE_ID}`);
    const name = overrideVariable(rule.id);
    const explicit = env[name];
    if (explicit) return { ...rule, ...explicitLimit(name, explicit) };
    return { ...rule, perMinute: rule.perMinute * scale, burst: Math.max(1, Math.round(rule.burst * scale)) };
  });
}

function scaleOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`RATE_LIMIT_SCALE must be a positive number, got '${value}'`);
  return scale;
}

function explicitLimit(name: string, value: string): Pick<RateLimitRule, 'perMinute' | 'burst'> {
  const match = EXPLICIT_LIMIT.exec(value);
  const perMinute = Number(match?.[1]);
  const burst = Number(match?.[2]);
  if (!match || perMinute <= 0 || burst < 1) {
    throw new Error(`${name} must be '<requests per minute>:<burst>' with both above 0, got '${value}'`);
  }
  return { perMinute, burst };
}
