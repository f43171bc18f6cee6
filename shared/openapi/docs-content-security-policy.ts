import { DOCS_STYLE_SOURCE } from './docs-style.js';

/**
 * CSP directives of `/docs`, for `@middy/http-security-headers` (directive → value). The
 * middleware merges them over its defaults, so defaults we do not want are blanked ('' drops
 * a directive). It still appends `sandbox` and `upgrade-insecure-requests`, which suit a page
 * without scripts or forms, and keeps `require-trusted-types-for 'script'`.
 */
export const docsContentSecurityPolicy: Record<string, string> = {
  'default-src': "'none'",
  // The page's single <style> element, by hash: stricter than 'unsafe-inline'.
  'style-src': DOCS_STYLE_SOURCE,
  'img-src': "'self' data:",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
  // No Reporting-Endpoints header is configured, so a report-to group would go nowhere.
  'report-to': '',
};
