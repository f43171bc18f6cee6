const LIST_PATH = '/api/v1/students';

interface OpenApiDocument {
  paths?: Record<string, { get?: { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] } }>;
}

let document$: Promise<OpenApiDocument> | undefined;
let apiBase = '';

/** Where the API lives when it is not the console's origin (the deployed console's `apiBaseUrl`). */
export function useOpenApiBase(baseUrl: string): void {
  apiBase = baseUrl;
  document$ = undefined;
}

/**
 * The values the API declares for one query parameter (its `enum` in the public OpenAPI
 * document), so the console never spells them a second time. An empty list when the document
 * cannot be read: the page still works without the choices.
 */
export function declaredQueryEnum(path: string, name: string): Promise<string[]> {
  document$ ??= fetch(`${apiBase}/openapi.json`, { credentials: 'omit' })
    .then((res) => (res.ok ? (res.json() as Promise<OpenApiDocument>) : {}))
    .catch(() => ({}));
  return document$.then((doc) => doc.paths?.[path]?.get?.parameters?.find((p) => p.in === 'query' && p.name === name)?.schema?.enum ?? []);
}

/** The sorts of the students list (the `enum` of its `sort` query parameter). */
export function declaredSorts(): Promise<string[]> {
  return declaredQueryEnum(LIST_PATH, 'sort');
}
