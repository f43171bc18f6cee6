import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { hasDisplaySpoofing, plainText } from './plain-text.js';

const name = plainText(1, 100);
const accepts = (text: string) => z.safeParse(name, text).success;

describe('plainText', () => {
  it.each([
    ['Nguyễn Thị Minh Khai'],
    ['Trần Hưng Đạo'],
    ['Zoë Ångström-Ødegård'],
    ['O\u2019Brien <b>'],
    ['محمد'],
    ['李小龙'],
    ['क्षत्रिय\u200D'],
    ['🎓 student'],
  ])('accepts ordinary names in any script: %s', (text) => {
    expect(accepts(text)).toBe(true);
  });

  it.each([
    ['LRE', '\u202A'],
    ['RLE', '\u202B'],
    ['PDF', '\u202C'],
    ['LRO', '\u202D'],
    ['RLO', '\u202E'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
    ['lone high surrogate', '\uD800'],
    ['lone low surrogate', '\uDFFF'],
    ['noncharacter U+FDD0', '\uFDD0'],
    ['noncharacter U+FDEF', '\uFDEF'],
    ['noncharacter U+FFFE', '\uFFFE'],
    ['noncharacter U+FFFF', '\uFFFF'],
    ['noncharacter U+1FFFE', '\u{1FFFE}'],
    ['noncharacter U+10FFFF', '\u{10FFFF}'],
  ])('refuses %s', (_label, character) => {
    expect(hasDisplaySpoofing(`abc${character}def`)).toBe(true);
    const result = z.safeParse(name, `abc${character}def`);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/bidirectional controls, lone surrogates or noncharacters/);
  });

  it('keeps a surrogate pair (an astral character) and its neighbours apart from lone halves', () => {
    expect(hasDisplaySpoofing('\uD83C\uDF93')).toBe(false);
    expect(hasDisplaySpoofing('\uD83C')).toBe(true);
    expect(hasDisplaySpoofing('\uFDCF\uFDF0\uFFFD')).toBe(false);
  });
});
