import * as z from 'zod/mini';

/** Flag names: lower-case words joined by `_` or `-` (AppConfig flag keys allow both). */
export const flagName = z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ or -; at most 64'));

/**
 * The live rules of one flag, in the shape AppConfig's feature-flag profile returns (the flag's
 * `enabled` plus its attributes: strings, numbers, booleans and string lists only) and the
 * local flags file uses. Evaluation order: `enabled: false` → off for everyone; deny list → off;
 * allow list → on; `roles` → on; `percentage` → on inside the rollout. A flag with none of
 * allow/roles/percentage is on for everyone (global); with any of them, users they don't
 * select get off.
 */
const userIds = (max: number) => z._default(z.array(z.string().check(z.minLength(1))).check(z.maxLength(max)), []);
export const flagRulesSchema = z.strictObject({
  enabled: z.boolean(),
  allow: userIds(1_000),
  deny: userIds(1_000),
  roles: userIds(10),
  percentage: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  /** Variant flags: the variant "on" users get (off users get the declared default). */
  variant: z.optional(z.string().check(z.minLength(1))),
});
export type FlagRules = z.infer<typeof flagRulesSchema>;

/** A whole flags document, flag name → rules: AppConfig's retrieved feature-flag JSON, or the local file. */
export const flagsDocumentSchema = z.record(flagName, flagRulesSchema);
export type FlagsDocument = z.infer<typeof flagsDocumentSchema>;
