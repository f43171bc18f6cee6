import { defineConfig } from 'vitest/config';

/**
 * Four projects: fast unit tests beside the code, and tests under test/ that need real
 * services (DynamoDB Local is started once by the global setup), CDK, or HTTP.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'functions/**/*.test.ts', 'infra/**/*.test.ts', 'events/**/*.test.ts', 'web/**/*.test.ts', 'test/docs/**/*.test.ts'],
          // The first CDK synthesis of a construct test file loads aws-cdk-lib: 3–6 s on 2 idle cores,
          // 24 s seen with the cores saturated by other work, hence the generous bound.
          testTimeout: 60_000,
          // REDIS_URL from a developer's shell must not switch caching on in tests that don't ask.
          env: { POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', REDIS_URL: '', REDIS_CLUSTER: '' },
        },
      },
      {
        test: {
          name: 'infra',
          // test/ops: the scaffolder's run in a temporary copy (it starts its own vitest there).
          include: ['test/infra/**/*.test.ts', 'test/ops/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Tests that use Redis say so (test/support/local-redis.ts: TEST_REDIS_URL, REQUIRE_REDIS).
          // Those that enable REDIS_URL also get the rate limiter: 1000× limits, unless they set their own.
          env: {
            POWERTOOLS_DEV: 'true',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_METRICS_DISABLED: 'true',
            REDIS_URL: '',
            REDIS_CLUSTER: '',
            RATE_LIMIT_SCALE: '1000',
          },
        },
      },
    ],
  },
});
