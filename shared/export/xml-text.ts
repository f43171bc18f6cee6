/**
 * Characters outside XML 1.0's `Char` production (C0 controls other than tab/LF/CR, lone
 * surrogates, U+FFFE/U+FFFF) cannot appear in a document even as references: they become
 * U+FFFD so the output stays well-formed and the loss stays visible.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/**
 * Text safe inside an element or attribute: markup characters escaped, CR kept as `&#13;`
 * (a parser would otherwise normalise it to LF), invalid characters replaced.
 */
export function xmlText(value: string): string {
  return xmlChars(value).replace(/[&<>"'\r]/g, (ch) => ENTITIES[ch]!);
}

/** The text with every character XML 1.0 cannot carry replaced by U+FFFD (XLSX is XML too). */
export function xmlChars(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD');
}
