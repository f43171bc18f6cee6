/**
 * The environment of a Lambda container with active tracing, set on `process.env` when this
 * module loads. The tracer singleton reads it when its own module loads, so a test file loads
 * this one from `vi.hoisted` (hoisted code runs before the file's imports):
 * `await vi.hoisted(() => import('…/test/support/lambda-tracing-env.js'));`.
 * It imports nothing, so that loading it loads no tracer.
 */
export const TRACING_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  POWERTOOLS_TRACE_ENABLED: 'true',
  POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
  _HANDLER: 'index.handler',
} as const;

Object.assign(process.env, TRACING_ENV);
