/**
 * Compares strings by their UTF-8 bytes, the order DynamoDB keeps sort keys in. JavaScript's
 * `<` compares UTF-16 units, which disagrees for characters above U+FFFF against U+E000–U+FFFF
 * (e.g. the U+10FFFD that sorts missing values last); comparing code points matches UTF-8.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only a surrogate (a code point above U+FFFF) compares differently from its UTF-16 unit.
    if (x >= 0xd800 || y >= 0xd800) {
      const cx = a.codePointAt(i)!;
      const cy = b.codePointAt(i)!;
      if (cx !== cy) return cx < cy ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
