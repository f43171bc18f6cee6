import type httpSecurityHeaders from '@middy/http-security-headers';

export type SecurityHeaderOptions = NonNullable<Parameters<typeof httpSecurityHeaders>[0]>;

/**
 * Security headers for API responses: a deny-all CSP (JSON is never rendered as a page),
 * HSTS, nosniff, frame deny, no referrer. Routes that serve a page (/docs) widen the CSP
 * by passing their own directives, which are merged over these.
 */
export function securityHeaderOptions(overrides: SecurityHeaderOptions = {}): SecurityHeaderOptions {
  const csp = {
    'default-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    // middy's defaults that make no sense for an API: drop them.
    sandbox: false,
    'report-to': false,
    'require-trusted-types-for': false,
    'upgrade-insecure-requests': false,
  } as unknown as Record<string, string>;
  const { contentSecurityPolicy, ...rest } = overrides;
  return {
    permissionsPolicy: false,
    ...rest,
    contentSecurityPolicy: { ...csp, ...(typeof contentSecurityPolicy === 'object' ? contentSecurityPolicy : {}) },
  };
}
