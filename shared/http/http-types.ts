import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../auth/principal.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** What business code returns; the factory serialises `body` as JSON. */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  /** Already-serialised payload with its own content type: text (HTML, CSV …) or bytes (XLSX, PNG), sent base64. */
  rawBody?: { contentType: string; text: string } | { contentType: string; bytes: Buffer };
  headers?: Record<string, string>;
}

/** Request state shared by the middlewares of one invocation. */
export interface RequestState {
  requestId: string;
  /** X-Correlation-Id (validated) or a generated id; carried by envelopes, messages and jobs. */
  correlationId: string;
  startedAt: bigint;
}

/** `principal` is set by the authorize middleware on routes that are not public. */
export type HttpContext = Context & { state?: RequestState; principal?: Principal };
