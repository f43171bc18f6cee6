import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

const DECODERS: Record<string, (input: Buffer) => Buffer> = {
  br: brotliDecompressSync,
  gzip: gunzipSync,
  deflate: inflateSync,
};

/**
 * A handler result's body as text, undoing base64 and Content-Encoding the way API Gateway
 * and then the client would (the bench events send `accept-encoding` like a browser).
 */
export function responseText(response: APIGatewayProxyStructuredResultV2): string {
  if (!response.isBase64Encoded) return response.body ?? '';
  const bytes = Buffer.from(response.body ?? '', 'base64');
  const encoding = String(response.headers?.['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decode = DECODERS[encoding];
  return (decode ? decode(bytes) : bytes).toString('utf8');
}
