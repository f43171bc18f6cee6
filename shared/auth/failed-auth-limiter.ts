import { isKeyId } from './api-key-format.js';

/** Who failed attempts are counted against. */
export type FailureSubjectKind = 'ip' | 'apiKey';

export interface FailureSubject {
  kind: FailureSubjectKind;
  /** Source IP, or the API key id (`ak_…`, the part before the dot; public). */
  value: string;
}

/** Where the request came from, for failure budgets. */
export interface RequestSource {
  ip?: string;
}

/** The subjects a request's failures count against: its source IP and the API key id it names. */
export function failureSubjects(source: RequestSource, apiKey: string | undefined): FailureSubject[] {
  const subjects: FailureSubject[] = [];
  if (source.ip) subjects.push({ kind: 'ip', value: source.ip });
  const keyId = apiKey?.trim().split('.')[0];
  if (keyId && isKeyId(keyId)) subjects.push({ kind: 'apiKey', value: keyId });
  return subjects;
}

/** A failure budget: `burst` failures at once, refilled at `perMinute`. */
export interface FailureLimit {
  perMinute: number;
  burst: number;
}

/**
 * THE limits on failed authentication (401/403) per container: a source IP may fail 20 times
 * at once, then 30 times a minute; an API key id 10 times, then 10 a minute. Honest clients
 * fail a handful of times; a guesser or a forged-token flood hits the wall at once. Override
 * with `AUTH_FAILURE_LIMIT_IP` / `AUTH_FAILURE_LIMIT_API_KEY` = `<perMinute>:<burst>`.
 */
export const FAILED_AUTH_LIMITS: Readonly<Record<FailureSubjectKind, FailureLimit>> = {
  ip: { perMinute: 30, burst: 20 },
  apiKey: { perMinute: 10, burst: 10 },
};

/** Subjects tracked at most per container; the least recently failed is forgotten first. */
const MAX_SUBJECTS = 10_000;

/**
 * Failed-attempt budgets in this container's memory, checked BEFORE any expensive work (JWT
 * signature, the API key's DynamoDB read): `retryAfter` only peeks, `recordFailure` spends.
 * A subject with no budget left is refused (429) even with valid credentials until its
 * budget refills: telling them apart would cost the work being protected. Per container on
 * purpose: no Redis round trip on the authentication path; API Gateway's throttling (and the
 * optional WAF rate rule) bound the total across containers.
 */
export class FailedAuthLimiter {
  private readonly buckets = new Map<string, { tokens: number; ts: number }>();

  constructor(
    private readonly limits: Readonly<Record<FailureSubjectKind, FailureLimit>> = FAILED_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until every subject may fail again, or undefined when all may now. */
  retryAfter(subjects: readonly FailureSubject[]): number | undefined {
    let wait = 0;
    for (const subject of subjects) {
      const { tokens, perMs } = this.level(subject);
      if (tokens < 1) wait = Math.max(wait, Math.ceil((1 - tokens) / perMs / 1000));
    }
    return wait > 0 ? Math.max(1, wait) : undefined;
  }

  /** Spends one failure from each subject's budget. */
  recordFailure(subjects: readonly FailureSubject[]): void {
    for (const subject of subjects) {
      const key = `${subject.kind}:${subject.value}`;
      const { tokens } = this.level(subject);
      this.buckets.delete(key);
      this.buckets.set(key, { tokens: Math.max(0, tokens - 1), ts: this.now() });
      if (this.buckets.size > MAX_SUBJECTS) this.buckets.delete(this.buckets.keys().next().value as string);
    }
  }

  private level(subject: FailureSubject): { tokens: number; perMs: number } {
    const limit = this.limits[subject.kind];
    const perMs = limit.perMinute / 60_000;
    const state = this.buckets.get(`${subject.kind}:${subject.value}`);
    if (!state) return { tokens: limit.burst, perMs };
    return { tokens: Math.min(limit.burst, state.tokens + Math.max(0, this.now() - state.ts) * perMs), perMs };
  }
}

const EXPLICIT = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/;

/** The limits in force: the defaults, or `AUTH_FAILURE_LIMIT_IP` / `_API_KEY` exactly. Invalid values throw. */
export function failedAuthLimits(env: NodeJS.ProcessEnv): Record<FailureSubjectKind, FailureLimit> {
  const parse = (name: string, fallback: FailureLimit): FailureLimit => {
    const value = env[name];
    if (!value) return fallback;
    const match = EXPLICIT.exec(value);
    const perMinute = Number(match?.[1]);
    const burst = Number(match?.[2]);
    if (!match || perMinute <= 0 || burst < 1) throw new Error(`${name} must be '<failures per minute>:<burst>' with both above 0, got '${value}'`);
    return { perMinute, burst };
  };
  return { ip: parse('AUTH_FAILURE_LIMIT_IP', FAILED_AUTH_LIMITS.ip), apiKey: parse('AUTH_FAILURE_LIMIT_API_KEY', FAILED_AUTH_LIMITS.apiKey) };
}
