const LIST_PATH = '/api/v1/students';

interface OpenApiDocument {
  paths?: Record<string, { get?: { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] } }>;
}

let sorts: Promise<string[]> | undefined;

/**
 * The sorts the API declares for the students list, read from its public OpenAPI document
 * (the `enum` of the `sort` query parameter), so the console never spells them a second time.
 * An empty list when the document cannot be read: the API's default order still works.
 */
export function declaredSorts(): Promise<string[]> {
  sorts ??= fetch('/openapi.json', { credentials: 'omit' })
    .then((res) => (res.ok ? (res.json() as Promise<OpenApiDocument>) : {}))
    .then((doc: OpenApiDocument) => {
      const parameter = doc.paths?.[LIST_PATH]?.get?.parameters?.find((p) => p.in === 'query' && p.name === 'sort');
      return parameter?.schema?.enum ?? [];
    })
    .catch(() => []);
  return sorts;
}
