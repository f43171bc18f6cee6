import type { FeatureFlags } from './feature-flags.js';
import type { FlagsEvaluation, FlagsList } from './flags-admin.schemas.js';

/** Every declared flag with its live rules and their origin. */
export async function listFlags(flags: FeatureFlags): Promise<FlagsList> {
  const described = await flags.describe();
  return {
    source: described.source,
    loaded_at: described.loadedAt,
    error: described.error,
    flags: described.flags.map(({ declaration, rules }) => ({
      name: declaration.name,
      description: declaration.description,
      type: declaration.type,
      default: declaration.default,
      ...(declaration.type === 'variant' ? { variants: declaration.variants } : {}),
      rules,
    })),
  };
}

/** What every declared flag answers for one user (and role). */
export async function evaluateFlagsFor(query: { user_id: string; role?: string }, flags: FeatureFlags): Promise<FlagsEvaluation> {
  const [results, described] = await Promise.all([flags.evaluateAll({ userId: query.user_id, ...(query.role ? { role: query.role } : {}) }), flags.describe()]);
  return { user_id: query.user_id, role: query.role ?? null, source: described.source, flags: results };
}
