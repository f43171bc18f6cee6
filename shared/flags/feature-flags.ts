import { logger } from '../powertools/logger.js';
import { type FlagContext, type FlagResult, evaluateFlag } from './evaluate-flag.js';
import { type FlagDeclaration, type FlagName, flagDeclarationOf, flagDeclarations } from './flag-declarations.js';
import type { FlagRules } from './flag-rules.js';
import type { FlagSnapshot, FlagSource } from './flag-source.js';

/** Counts one evaluation of `flag` that gave `value` (a metric per flag and variant). */
export type EvaluationCounter = (flag: string, value: string) => void;

export interface FeatureFlagsDeps {
  source: FlagSource;
  count?: EvaluationCounter;
}

/** One flag as the admin listing shows it: declaration, live rules and their origin. */
export interface FlagView {
  readonly declaration: FlagDeclaration;
  readonly rules: FlagRules | null;
}

/**
 * Flag evaluation for one container: `isEnabled`/`variant` read the source's cached snapshot
 * (no remote call per request) and never throw — a flag declared but absent from the live
 * rules, or a name nobody declared, gets the declared default (false for an unknown name)
 * and a warning.
 */
export function createFeatureFlags({ source, count = () => {} }: FeatureFlagsDeps) {
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string, detail: Record<string, unknown>) => {
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(message, detail);
  };

  async function evaluate(name: string, context: FlagContext, given?: FlagSnapshot): Promise<FlagResult> {
    const declaration = flagDeclarationOf(name);
    if (!declaration) {
      warnOnce(`unknown:${name}`, 'unknown feature flag; answering false', { flag: name });
      return { value: false, reason: 'default' };
    }
    const snapshot = given ?? (await source.current());
    const rules = snapshot.document[name];
    if (!rules)
      warnOnce(`absent:${snapshot.source}:${name}`, 'feature flag has no live rules; using its declared default', { flag: name, source: snapshot.source });
    const result = evaluateFlag(declaration, rules, context);
    count(name, String(result.value));
    return result;
  }

  return {
    evaluate: (name: string, context: FlagContext) => evaluate(name, context),
    /** Whether a boolean flag is on for this caller. */
    async isEnabled(name: FlagName, context: FlagContext = {}): Promise<boolean> {
      return (await evaluate(name, context)).value === true;
    },
    /** The variant of a variant flag for this caller (the declared default when off). */
    async variant(name: FlagName, context: FlagContext = {}): Promise<string> {
      return String((await evaluate(name, context)).value);
    },
    /** Every declared flag evaluated for one caller. */
    async evaluateAll(context: FlagContext): Promise<Record<string, FlagResult>> {
      const snapshot = await source.current(); // one snapshot: a consistent answer for every flag
      const entries = await Promise.all(flagDeclarations.map(async (flag) => [flag.name, await evaluate(flag.name, context, snapshot)] as const));
      return Object.fromEntries(entries);
    },
    /** Every declared flag with its live rules, and where the rules came from. */
    async describe(): Promise<{ source: string; loadedAt: string | null; error: string | null; flags: FlagView[] }> {
      const snapshot = await source.current();
      return {
        source: snapshot.source,
        loadedAt: snapshot.loadedAt ?? null,
        error: snapshot.error ?? null,
        flags: flagDeclarations.map((declaration) => ({ declaration, rules: snapshot.document[declaration.name] ?? null })),
      };
    },
  };
}

export type FeatureFlags = ReturnType<typeof createFeatureFlags>;
