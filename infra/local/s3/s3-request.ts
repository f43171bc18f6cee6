import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from './object-store.js';
import type { ObjectEvent } from './s3-notifications.js';

/** One parsed path-style request: `/{bucket}/{key}?{query}`. */
export interface S3Request {
  request: IncomingMessage;
  response: ServerResponse;
  bucket: string;
  /** Decoded key; '' for bucket-level operations. */
  key: string;
  query: URLSearchParams;
  requestId: string;
}

/** What the operations need from the server around them. */
export interface S3Context {
  store: ObjectStore;
  /** Largest object accepted by a single PUT or part (S3: 5 GiB). */
  maxObjectBytes: number;
  /** Smallest part other than the last (S3: 5 MiB). */
  minPartBytes: number;
  /** Reports an ObjectCreated event; delivery happens after the response. */
  emit(event: Omit<ObjectEvent, 'sourceIp' | 'requestId'>, request: S3Request): void;
}

/** Writes an XML 200 (or `status`) answer. */
export function sendXml(target: S3Request, xml: string, status = 200, headers: Record<string, string> = {}): void {
  target.response.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), ...headers });
  target.response.end(xml);
}

/** Stored headers of an upload: the representation headers S3 keeps, and `x-amz-meta-*`. */
export function objectHeaders(request: IncomingMessage): { headers: Record<string, string>; metadata: Record<string, string> } {
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const name of ['content-type', 'content-disposition', 'content-encoding', 'content-language', 'cache-control', 'expires']) {
    let value = request.headers[name];
    if (typeof value !== 'string') continue;
    // aws-chunked is the transfer framing, not part of the stored representation.
    if (name === 'content-encoding')
      value = value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part && part !== 'aws-chunked')
        .join(', ');
    if (value) headers[name] = value;
  }
  headers['content-type'] ??= 'binary/octet-stream';
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name] = value;
  }
  return { headers, metadata };
}
