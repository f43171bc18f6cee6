import { z } from 'zod';

/**
 * The live rules of one flag (the same shape in AppConfig's attributes and in the local file).
 * Order of evaluation: `enabled: false` → off; deny list → off; allow list → on (or `variant`);
 * role rules; percentage rollout; otherwise `value` (the flag's result when no rule matched).
 */
export const flagRulesSchema = z
  .object({
    enabled: z.boolean().default(true),
    value: z.union([z.boolean(), z.string().min(1)]).optional(),
    allow: z.array(z.string().min(1)).default([]),
    deny: z.array(z.string().min(1)).default([]),
    roles: z.record(z.string(), z.union([z.boolean(), z.string().min(1)])).default({}),
    percentage: z.number().min(0).max(100).optional(),
    /** The variant served to users inside the rollout or on the allow list (variant flags). */
    variant: z.string().min(1).optional(),
  })
  .strict();
export type FlagRules = z.infer<typeof flagRulesSchema>;

/** A whole flags document: flag name → rules. */
export const flagsDocumentSchema = z.object({ flags: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), flagRulesSchema) }).strict();
export type FlagsDocument = z.infer<typeof flagsDocumentSchema>;
