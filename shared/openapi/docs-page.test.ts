import { describe, expect, it } from 'vitest';
import { renderDocsPage } from './docs-page.js';
import { escapeHtml } from './escape-html.js';
import { buildOpenApiDocument } from './openapi-document.js';
import type { OpenApiDocument } from './openapi-types.js';

const doc = buildOpenApiDocument();
const html = renderDocsPage(doc);

describe('renderDocsPage', () => {
  it('lists every documented path and operation', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(html).toContain(`<code>${escapeHtml(path)}</code>`);
      for (const operation of Object.values(item)) expect(html).toContain(`id="op-${operation.operationId}"`);
    }
  });

  it('shows method badges and the permission of each operation', () => {
    expect(html).toContain('<span class="method post">POST</span><code>/api/v1/students</code>');
    expect(html).toContain('<span class="method delete">DELETE</span>');
    expect(html).toMatch(/id="op-students-delete"[\s\S]*?Permission: <strong>admin<\/strong>/);
  });

  it('shows request body fields with type, constraints and whether they are required', () => {
    const create = html.slice(html.indexOf('id="op-students-create"'), html.indexOf('</article>', html.indexOf('id="op-students-create"')));
    expect(create).toContain('<a href="#schema-StudentCreate">StudentCreate</a>');
    expect(create).toMatch(/<code>math_score<\/code><\/td><td>number \| null<\/td><td>0 ≤ x ≤ 10<\/td><td>no<\/td>/);
    expect(create).toMatch(/<code>first_name<\/code><\/td><td>string<\/td><td>1 ≤ length ≤ 100<br>pattern [^<]+<\/td><td>yes<\/td>/);
  });

  it('lists every problem type with its status', () => {
    expect(html).toContain('id="problem-types"');
    for (const problem of doc['x-problem-types']) {
      expect(html).toContain(`<tr><td><code>${problem.code}</code></td><td>${problem.status}</td>`);
    }
  });

  it('escapes markup injected into descriptions and summaries', () => {
    const tampered = structuredClone(doc) as OpenApiDocument;
    const health = tampered.paths['/health']?.get;
    if (!health) throw new Error('GET /health is not documented');
    health.description = '<script>alert("x")</script>';
    health.summary = '<img src=x onerror=alert(1)>';
    const page = renderDocsPage(tampered);
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('is self-contained: one inline style, no scripts, no external resources', () => {
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<iframe|\sstyle=|\son\w+=/i);
    const targets = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toMatch(/^(#[\w.-]+|openapi\.json)$/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;');
  });

  it('stringifies non-strings and leaves plain text alone', () => {
    expect(escapeHtml(404)).toBe('404');
    expect(escapeHtml('Case-insensitive exact match')).toBe('Case-insensitive exact match');
  });
});
