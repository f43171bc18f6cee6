import { z } from 'zod';

/** One feature flag as declared in code: its live rules come from AppConfig (AWS) or the local flags file. */
export const flagDeclarationSchema = z.discriminatedUnion('type', [
  z.object({ name: z.string().regex(/^[a-z][a-z0-9-]*$/), description: z.string().min(1), type: z.literal('boolean'), default: z.boolean() }),
  z.object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().min(1),
    type: z.literal('variant'),
    variants: z.array(z.string().min(1)).min(2),
    default: z.string().min(1),
  }),
]);
export type FlagDeclaration = z.infer<typeof flagDeclarationSchema>;

/** Every flag of the platform, declared once. CDK builds the hosted configuration from these defaults. */
export const flagDeclarations: readonly FlagDeclaration[] = [
  {
    name: 'order-notifications',
    description: 'Tells customers when an order completes or its payment fails (notification-send consumer)',
    type: 'boolean',
    default: false,
  },
  {
    name: 'notification-renderer',
    description: 'Which renderer builds notification bodies',
    type: 'variant',
    variants: ['classic', 'pipeline'],
    default: 'classic',
  },
].map((flag) => flagDeclarationSchema.parse(flag));

/** The declaration of a flag, or undefined for a name nobody declared. */
export function flagDeclarationOf(name: string): FlagDeclaration | undefined {
  return flagDeclarations.find((flag) => flag.name === name);
}
