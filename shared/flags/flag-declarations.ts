import * as z from 'zod/mini';
import { flagName } from './flag-rules.js';

/** One feature flag as declared in code: its live rules come from AppConfig (AWS) or the local flags file. */
export const flagDeclarationSchema = z.discriminatedUnion('type', [
  z.object({ name: flagName, description: z.string().check(z.minLength(1)), type: z.literal('boolean'), default: z.boolean() }),
  z.object({
    name: flagName,
    description: z.string().check(z.minLength(1)),
    type: z.literal('variant'),
    variants: z.array(z.string().check(z.minLength(1))).check(z.minLength(2)),
    default: z.string().check(z.minLength(1)),
  }),
]);
export type FlagDeclaration = z.infer<typeof flagDeclarationSchema>;

/** Every flag of the platform, declared once. CDK builds the AppConfig flag definitions from these. */
export const flagDeclarations = [
  {
    name: 'push_notifications',
    description: 'Send order notifications by push to targeted users; everyone else gets e-mail',
    type: 'boolean',
    default: false,
  },
  {
    name: 'new_notification_pipeline',
    description: 'Render notifications with the new template pipeline instead of the classic renderer (global switch)',
    type: 'boolean',
    default: false,
  },
  {
    name: 'sms_for_important',
    description: 'Also send payment failures by SMS (percentage rollout)',
    type: 'boolean',
    default: false,
  },
] as const satisfies readonly FlagDeclaration[];

/** The name of a declared flag: a typo does not compile. */
export type FlagName = (typeof flagDeclarations)[number]['name'];

for (const flag of flagDeclarations) flagDeclarationSchema.parse(flag);

/** The declaration of a flag, or undefined for a name nobody declared. */
export function flagDeclarationOf(name: string): FlagDeclaration | undefined {
  return (flagDeclarations as readonly FlagDeclaration[]).find((flag) => flag.name === name);
}
