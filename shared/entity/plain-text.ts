import * as z from 'zod/mini';

/** Control characters (C0, DEL, C1): never meaningful in names or search terms. */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/**
 * A trimmed single-line text field of `min`–`max` characters without control characters.
 * Quotes, angle brackets and any script are fine: escaping is the output format's job.
 */
export function plainText(min: number, max: number) {
  return z
    .string()
    .check(z.trim(), z.minLength(min), z.maxLength(max), z.regex(NO_CONTROL_CHARACTERS, 'Must not contain control characters'));
}
