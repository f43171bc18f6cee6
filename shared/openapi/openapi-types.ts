import type { Permission } from '../entity/define-entity.js';

/**
 * The parts of OpenAPI 3.1 this platform emits. Hand-written on purpose: the document is
 * built from zod schemas, so these types describe an output format, not a boundary payload.
 */

/** A JSON Schema 2020-12 node as zod emits it (OpenAPI 3.1 uses the same dialect). */
export interface JsonSchema {
  [keyword: string]: unknown;
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  /** `form` + `explode` with an object schema: free-form `name=value` pairs (the table API's filters). */
  style?: 'form';
  explode?: boolean;
  schema: JsonSchema;
}

export interface HeaderObject {
  description: string;
  schema: JsonSchema;
}

export interface ExampleObject {
  summary: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  examples?: Record<string, ExampleObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface RequestBodyObject {
  required: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  /** Alternatives: any one of them authenticates. Empty for public operations. */
  security: SecurityRequirement[];
  'x-permission': Permission;
}

export type SecurityRequirement = Record<string, string[]>;

export type SecuritySchemeObject =
  | { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }
  | { type: 'apiKey'; in: 'header'; name: string; description: string };

export type PathItemMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One problem+json `code` an operation can answer with (listed on /docs). */
export interface ProblemTypeEntry {
  code: string;
  status: number;
  title: string;
  type: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<PathItemMethod, OperationObject>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, SecuritySchemeObject> };
  'x-problem-types': ProblemTypeEntry[];
}
