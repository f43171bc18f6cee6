import * as z from 'zod/mini';
import { roleSchema } from '../auth/role.js';
import { plainText } from '../entity/plain-text.js';

const flagValue = z.union([z.boolean(), z.string()]);
const reason = z.enum(['default', 'disabled', 'deny', 'allow', 'role', 'rollout', 'global', 'not_targeted']);

const liveRules = z.object({
  enabled: z.boolean(),
  allow: z.array(z.string()),
  deny: z.array(z.string()),
  roles: z.array(z.string()),
  percentage: z.optional(z.number()),
  variant: z.optional(z.string()),
});

/** `GET /api/v1/admin/flags` body: every declared flag, its live rules and where they came from. */
export const flagsListSchema = z
  .object({
    source: z.string().check(z.describe('appconfig:<application>/<environment>/<profile>, file:<path> or defaults')),
    loaded_at: z.nullable(z.string().check(z.describe('When the rules in use were read; null when none were'))),
    error: z.nullable(z.string().check(z.describe('Why the latest read was not used (the last good rules stay in use)'))),
    flags: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        type: z.enum(['boolean', 'variant']),
        default: flagValue,
        variants: z.optional(z.array(z.string())),
        rules: z.nullable(liveRules).check(z.describe('null: no live rules, the declared default applies')),
      }),
    ),
  })
  .check(z.meta({ id: 'FeatureFlags' }));
export type FlagsList = z.infer<typeof flagsListSchema>;

/** `GET /api/v1/flags/evaluate` query: the user (and optionally role) to evaluate for. */
export const flagsEvaluateQuerySchema = z.object({
  user_id: plainText(1, 128).check(z.describe('The user id (token subject) to evaluate every flag for')),
  role: z.optional(roleSchema),
});

/** `GET /api/v1/flags/evaluate` body. */
export const flagsEvaluationSchema = z
  .object({
    user_id: z.string(),
    role: z.nullable(z.string()),
    source: z.string(),
    flags: z.record(z.string(), z.object({ value: flagValue, reason })),
  })
  .check(z.meta({ id: 'FlagEvaluation' }));
export type FlagsEvaluation = z.infer<typeof flagsEvaluationSchema>;
