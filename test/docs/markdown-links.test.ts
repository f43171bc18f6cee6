import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every
 * `#anchor` (in the same file or in another Markdown file) names one of its headings, slugged
 * as GitHub does. Catches drift when sections move between the README and docs/.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = path.join(ROOT, 'docs');
const FILES = [
  path.join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(DOCS, f)),
];

/** The lines of a Markdown text outside fenced code blocks. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1]![0];
      else if (m[1]![0] === fence) fence = undefined;
      continue;
    }
    if (!fence) out.push(line);
  }
  return out;
}

/** GitHub's heading slug (github-slugger): lower case, punctuation dropped, spaces → hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (anchors) return anchors;
  anchors = new Set();
  const seen = new Map<string, number>();
  const text = readFileSync(file, 'utf8');
  for (const line of proseLines(text)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]!);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** Relative link targets of a Markdown file (inline code and fenced code skipped). */
function linksOf(file: string): string[] {
  const links: string[] = [];
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      links.push(target);
    }
  }
  return links;
}

/** What is wrong with each broken link of a file (empty when all resolve). */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  for (const link of linksOf(file)) {
    const [rawPath, anchor] = link.split('#', 2) as [string, string | undefined];
    const target = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
    if (!existsSync(target)) {
      problems.push(`${link}: no file ${path.relative(ROOT, target)}`);
      continue;
    }
    if (anchor !== undefined && target.endsWith('.md') && statSync(target).isFile() && !anchorsOf(target).has(anchor)) {
      problems.push(`${link}: no heading #${anchor} in ${path.relative(ROOT, target)}`);
    }
  }
  return problems;
}

describe('Markdown links in README.md and docs/', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Fan-out: large CSV files over SQS')).toBe('fan-out-large-csv-files-over-sqs');
    expect(slug('In AWS: `infra/constructs/event-bus.ts`, `infra/constructs/event-queues.ts`')).toBe(
      'in-aws-infraconstructsevent-busts-infraconstructsevent-queuests',
    );
    expect(slug("The saga's payment, finalize and projector steps")).toBe('the-sagas-payment-finalize-and-projector-steps');
  });

  it.each(FILES.map((f) => [path.relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('README.md links every doc in docs/', () => {
    const readmeLinks = new Set(linksOf(path.join(ROOT, 'README.md')).map((l) => l.split('#')[0]));
    const unlinked = readdirSync(DOCS).filter((f) => f.endsWith('.md') && !readmeLinks.has(`docs/${f}`));
    expect(unlinked).toEqual([]);
  });
});
