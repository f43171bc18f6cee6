import type { MiddlewareObj, Request } from '@middy/core';
import { emitMetric } from '../../observability/emit-metric.js';
import { BadRequestError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * The original's TrustedHost: a Host header outside `ALLOWED_HOSTS` (comma-separated host
 * names, `*.example.com` wildcards; unset = any) is refused with 400 before anything else
 * runs, and so is a request without a Host header while a list is configured. Ports are ignored. Read per request so configuration changes need no redeploy of code.
 */
export function trustedHost(env: NodeJS.ProcessEnv = process.env): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function trustedHostBefore(request: Req) {
    const allowed = parseAllowedHosts(env.ALLOWED_HOSTS);
    if (allowed.length === 0) return;
    // The Host header only: requestContext.domainName is the gateway's own name, so falling
    // back to it would let a request without Host (HTTP/1.0) skip this check.
    const given = request.event.headers?.host;
    if (!given?.trim()) refuse(request, 'missing_host', 'request.missingHost', 'A Host header is required.');
    const host = hostnameOf(given);
    if (host && allowed.some((pattern) => hostMatches(pattern, host))) return;
    refuse(request, 'untrusted_host', 'request.untrustedHost', 'The Host header is not one this API serves.');
  }
  return { before: trustedHostBefore };
}

function refuse(request: Req, event: string, code: string, message: string): never {
  logger.warn('security event: request refused', { security_event: event, route: request.event.routeKey });
  emitMetric(metrics, 'UntrustedHost');
  throw new BadRequestError(code, message);
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
