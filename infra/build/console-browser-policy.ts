/**
 * The console's Content-Security-Policy, one definition for the local gateway and CloudFront:
 * same-origin script and style, API calls to its own origin plus `connectSources` (the
 * imports bucket for uploads and large downloads; in AWS also the API and the hosted UI's
 * token endpoint), chart images as `blob:` URLs the page made from API answers, no framing.
 */
export function consoleContentSecurityPolicy(connectSources: readonly string[] = []): string {
  const connect = ["'self'", ...connectSources].join(' ');
  return `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect}; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/**
 * What a browser script may read of the imports bucket's answers (the upload's ETag, a
 * download's name and size): the local S3 endpoint's CORS rule and the bucket's in AWS.
 */
export const BUCKET_EXPOSED_HEADERS = ['ETag', 'Content-Disposition', 'Content-Length', 'x-amz-request-id', 'x-amz-version-id'] as const;
