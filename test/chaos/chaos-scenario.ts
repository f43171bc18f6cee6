import type { ChaosChecks } from './chaos-checks.js';
import type { ChaosStack } from './chaos-stack.js';

/** One fault scenario: breaks a dependency of the running stack, asserts, repairs it. */
export interface ChaosScenario {
  name: string;
  about: string;
  /** Records its checks in `checks`; must leave the dependency it broke working again. */
  run(chaos: ChaosStack, checks: ChaosChecks): Promise<void>;
}
