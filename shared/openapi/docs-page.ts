import { DOCS_STYLE } from './docs-style.js';
import { escapeHtml } from './escape-html.js';
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject, PathItemMethod, ResponseObject } from './openapi-types.js';
import { refName, schemaConstraints, schemaDescription, schemaType } from './schema-label.js';

interface Listed {
  path: string;
  method: PathItemMethod;
  operation: OperationObject;
}

/**
 * A self-contained HTML rendering of the OpenAPI document: no scripts, fonts or external
 * resources, every interpolated value escaped.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = groupByTag(doc);
  const sections = doc.tags
    .filter((tag) => byTag.has(tag.name))
    .map((tag) => {
      const operations = (byTag.get(tag.name) ?? []).map((listed) => operationHtml(listed, doc));
      return `<section><h2 id="tag-${escapeHtml(tag.name)}">${escapeHtml(tag.name)}</h2><p>${text(tag.description)}</p>
${operations.join('\n')}</section>`;
    });
  const title = escapeHtml(doc.info.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${DOCS_STYLE}</style></head>
<body><header><h1>${title}</h1>
<p>Version ${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)} · <a href="openapi.json">openapi.json</a></p>
<p>${text(doc.info.description)}</p></header>
${navHtml(doc, byTag)}
${sections.join('\n')}
${problemTypesHtml(doc)}
${schemasHtml(doc)}
</body></html>
`;
}

function groupByTag(doc: OpenApiDocument): Map<string, Listed[]> {
  const byTag = new Map<string, Listed[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item) as [PathItemMethod, OperationObject][]) {
      const tag = operation.tags[0] ?? 'default';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, operation }]);
    }
  }
  return byTag;
}

function navHtml(doc: OpenApiDocument, byTag: Map<string, Listed[]>): string {
  const items = [...byTag.values()]
    .flat()
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#op-${escapeHtml(operation.operationId)}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a></li>`,
    );
  const schemaCount = Object.keys(doc.components.schemas).length;
  return `<nav><h2>Operations</h2><ul>${items.join('')}</ul>
<p><a href="#problem-types">Problem types</a> · <a href="#schemas">Schemas</a> (${schemaCount})</p></nav>`;
}

function operationHtml({ path, method, operation }: Listed, doc: OpenApiDocument): string {
  const id = escapeHtml(operation.operationId);
  const body = Object.entries(operation.requestBody?.content ?? {}).map(
    ([type, media]) =>
      `<h4>Request body</h4><p><code>${escapeHtml(type)}</code> ${schemaLink(media.schema)}` +
      `${operation.requestBody?.required ? ' (required)' : ''}</p>${fieldsTable(media.schema, doc)}`,
  );
  return `<article class="op" id="op-${id}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span><code>${escapeHtml(path)}</code></h3>
<p><strong>${text(operation.summary)}</strong> — ${text(operation.description)}</p>
<p class="perm">Permission: <strong>${escapeHtml(operation['x-permission'])}</strong> · operationId <code>${id}</code></p>
${parametersHtml(operation.parameters)}${body.join('')}${responsesHtml(operation.responses)}
</article>`;
}

function parametersHtml(parameters: ParameterObject[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map((parameter) => [
    `<code>${escapeHtml(parameter.name)}</code>`,
    escapeHtml(parameter.in),
    ...typeCells(parameter.schema),
    parameter.required ? 'yes' : 'no',
    text(parameter.description ?? schemaDescription(parameter.schema) ?? ''),
  ]);
  return `<h4>Parameters</h4>${table(['Name', 'In', 'Type', 'Constraints', 'Required', 'Description'], rows)}`;
}

function responsesHtml(responses: Record<string, ResponseObject>): string {
  const rows = Object.entries(responses).map(([status, response]) => [
    escapeHtml(status),
    text(response.description),
    Object.entries(response.content ?? {})
      .map(([type, media]) => `<code>${escapeHtml(type)}</code> ${schemaLink(media.schema)}`)
      .join('<br>'),
    Object.keys(response.headers ?? {})
      .map((name) => `<code>${escapeHtml(name)}</code>`)
      .join(' '),
  ]);
  return `<h4>Responses</h4>${table(['Status', 'Description', 'Content', 'Headers'], rows)}`;
}

function problemTypesHtml(doc: OpenApiDocument): string {
  const rows = doc['x-problem-types'].map((problem) => [
    `<code>${escapeHtml(problem.code)}</code>`,
    escapeHtml(problem.status),
    escapeHtml(problem.title),
    `<code>${escapeHtml(problem.type)}</code>`,
    text(problem.description),
  ]);
  const problem = schemaLink({ $ref: '#/components/schemas/Problem' });
  return `<section><h2 id="problem-types">Problem types</h2>
<p>Errors are <code>application/problem+json</code> (RFC 9457) with the fields of ${problem}; key on <code>code</code>.</p>
${table(['Code', 'Status', 'Title', 'Type', 'When'], rows)}</section>`;
}

function schemasHtml(doc: OpenApiDocument): string {
  const blocks = Object.entries(doc.components.schemas).map(([name, schema]) => {
    const description = schema.description ? `<p>${text(schema.description)}</p>` : '';
    return `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${description}${fieldsTable(schema, doc)}`;
  });
  return `<section><h2 id="schemas">Schemas</h2>${blocks.join('\n')}</section>`;
}

/** One row per property of an object schema (following a `$ref`); other schemas get none. */
function fieldsTable(schema: JsonSchema, doc: OpenApiDocument): string {
  const name = refName(schema);
  const resolved = name ? doc.components.schemas[name] : schema;
  const properties = Object.entries(resolved?.properties ?? {});
  if (properties.length === 0) return '';
  const required = new Set(resolved?.required ?? []);
  const rows = properties.map(([field, property]) => [
    `<code>${escapeHtml(field)}</code>`,
    ...typeCells(property),
    required.has(field) ? 'yes' : 'no',
    text(schemaDescription(property) ?? ''),
  ]);
  return table(['Field', 'Type', 'Constraints', 'Required', 'Description'], rows);
}

/** Cells are HTML already escaped by the caller. */
function table(headings: string[], rows: string[][]): string {
  const head = headings.map((heading) => `<th>${heading}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function typeCells(schema: JsonSchema): [string, string] {
  return [schemaLink(schema), schemaConstraints(schema).map(escapeHtml).join('<br>')];
}

/** The schema's type; named schemas (also as array items) link to their table. */
function schemaLink(schema: JsonSchema): string {
  const named = refName(schema) ?? (schema.items ? refName(schema.items) : undefined);
  const label = escapeHtml(schemaType(schema));
  return named ? `<a href="#schema-${escapeHtml(named)}">${label}</a>` : label;
}

/** Escaped prose; `code` spans written in descriptions become <code>. */
function text(value: string): string {
  return escapeHtml(value).replace(/`([^`]+)`/g, '<code>$1</code>');
}
