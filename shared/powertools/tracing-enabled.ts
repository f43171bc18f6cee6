/**
 * Whether Powertools Tracer would trace in this environment, by its own rule: in a Lambda
 * execution environment (`AWS_EXECUTION_ENV`), not under SAM local or the Amplify mock, and not
 * switched off with `POWERTOOLS_TRACE_ENABLED=false`. Decided once, before the Tracer (and with
 * it the X-Ray SDK) is loaded at all.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').trim().toLowerCase() === 'false') return false;
  const executionEnv = (env.AWS_EXECUTION_ENV ?? '').trim();
  if (executionEnv === '' || executionEnv === 'AWS_Lambda_amplify-mock') return false;
  return (env.AWS_SAM_LOCAL ?? '').trim() === '';
}
