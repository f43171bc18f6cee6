import type { MiddlewareObj, Request } from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BadRequestError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * The original's TrustedHost: a Host header outside `ALLOWED_HOSTS` (comma-separated host
 * names, `*.example.com` wildcards; unset = any) is refused with 400 before anything else
 * runs. Ports are ignored. Read per request so configuration changes need no redeploy of code.
 */
export function trustedHost(env: NodeJS.ProcessEnv = process.env): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function trustedHostBefore(request: Req) {
    const allowed = parseAllowedHosts(env.ALLOWED_HOSTS);
    if (allowed.length === 0) return;
    const host = hostnameOf(request.event.headers?.host ?? request.event.requestContext?.domainName ?? '');
    if (host && allowed.some((pattern) => hostMatches(pattern, host))) return;
    logger.warn('security event: request refused', { security_event: 'untrusted_host', route: request.event.routeKey });
    metrics.addMetric('UntrustedHost', MetricUnit.Count, 1);
    throw new BadRequestError('request.untrustedHost', 'The Host header is not one this API serves.');
  }
  return { before: trustedHostBefore };
}

export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '' && host !== '*');
}

/** `example.com:443` → `example.com`; `[::1]:3000` → `::1`. */
export function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  return value.replace(/:\d+$/, '');
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}
