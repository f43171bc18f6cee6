import { DOCS_STYLE_SOURCE } from './docs-style.js';

/**
 * CSP directives of `/docs`. They are merged over the API's deny-all policy
 * (`shared/http/security-headers.ts`: default-src, base-uri, form-action and frame-ancestors
 * 'none'), so the page gets only what it needs on top of it.
 */
export const docsContentSecurityPolicy: Record<string, string> = {
  // The page's single <style> element, by hash: stricter than 'unsafe-inline'.
  'style-src': DOCS_STYLE_SOURCE,
  'img-src': "'self' data:",
};
