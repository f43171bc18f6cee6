/** The namespace S3 puts on every result document. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Escapes text for an XML element or attribute. */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`);
}

/** Reverses {@link xmlEscape} and numeric character references (request bodies). */
export function xmlUnescape(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref.toLowerCase()] ?? '';
  });
}

export type XmlValue = string | number | boolean | undefined | XmlNode | XmlNode[];
export interface XmlNode {
  [element: string]: XmlValue;
}

/** Serialises `{ Element: value }` pairs in order; arrays repeat the element, undefined is omitted. */
export function xmlElements(node: XmlNode): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out += `<${name}>${xmlElements(item)}</${name}>`;
    else if (typeof value === 'object') out += `<${name}>${xmlElements(value)}</${name}>`;
    else out += `<${name}>${xmlEscape(String(value))}</${name}>`;
  }
  return out;
}

/** A complete S3 response document: `<?xml…?><Root xmlns=…>…</Root>`. */
export function xmlDocument(root: string, node: XmlNode, xmlns = true): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns ? ` xmlns="${S3_XMLNS}"` : ''}>${xmlElements(node)}</${root}>`;
}

/** Text of every `<tag>…</tag>` in a small request document (S3 request bodies are flat enough). */
export function xmlTexts(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => xmlUnescape(match[1]!));
}
