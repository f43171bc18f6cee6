import * as z from 'zod/mini';

/** Control characters (C0, DEL, C1): never meaningful in names or search terms. */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/**
 * Characters that change how the text around them displays (bidi embeddings, overrides and
 * isolates: `admin\u202Egnp.exe` shows as `adminexe.png`), lone surrogates (not text at all;
 * they become U+FFFD somewhere downstream) and Unicode noncharacters (U+FDD0–U+FDEF and the
 * last two code points of every plane). Ordinary letters of any script, combining marks
 * (Vietnamese tones) and the invisible joiners some scripts need are not among them.
 */
const DISPLAY_SPOOFING = new RegExp(
  [
    '[\\u202A-\\u202E\\u2066-\\u2069]',
    '\\p{Cs}',
    '[\\uFDD0-\\uFDEF]',
    ...Array.from({ length: 17 }, (_, plane) => {
      const base = (plane * 0x10000).toString(16).toUpperCase();
      const hi = plane === 0 ? '' : base.slice(0, -4);
      return `[\\u{${hi}FFFE}\\u{${hi}FFFF}]`;
    }),
  ].join('|'),
  'u',
);

/** Whether `text` holds a character `plainText` refuses for spoofing how it displays. */
export function hasDisplaySpoofing(text: string): boolean {
  return DISPLAY_SPOOFING.test(text);
}

/**
 * THE schema of every free-text field (student names, hometown, API key names, future
 * entities): trimmed, single line, `min`–`max` characters, without control characters,
 * bidi controls, lone surrogates or noncharacters (422). Quotes, angle brackets and any
 * script are fine: escaping is the output format's job.
 */
export function plainText(min: number, max: number) {
  return z.string().check(
    z.trim(),
    z.minLength(min),
    z.maxLength(max),
    z.regex(NO_CONTROL_CHARACTERS, 'Must not contain control characters'),
    z.refine((text) => !hasDisplaySpoofing(text), 'Must not contain bidirectional controls, lone surrogates or noncharacters'),
  );
}
