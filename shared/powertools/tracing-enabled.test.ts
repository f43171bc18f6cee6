import { Tracer } from '@aws-lambda-powertools/tracer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inertTracer } from './inert-tracer.js';
import { tracingEnabled } from './tracing-enabled.js';

const KEYS = ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL'] as const;
type Env = Partial<Record<(typeof KEYS)[number], string>>;

const CASES: [string, Env][] = [
  ['outside Lambda (local, tests)', {}],
  ['in Lambda', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }],
  ['in Lambda, switched on', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' }],
  ['in Lambda, switched off', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' }],
  ['in Lambda, switched off in capitals', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }],
  ['switched on outside Lambda (the benches, npm start)', { POWERTOOLS_TRACE_ENABLED: 'true' }],
  ['under SAM local', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' }],
  ['under the Amplify mock', { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }],
];

describe('tracingEnabled', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(CASES)('decides as Powertools Tracer does %s', (_name, env) => {
    for (const key of KEYS) vi.stubEnv(key, env[key] ?? '');
    // The Tracer reads its environment when constructed: the reference answer.
    const powertools = new Tracer({ serviceName: 'tracing-enabled-test' }).isTracingEnabled();
    expect(tracingEnabled(process.env)).toBe(powertools);
  });

  it('is on in a Lambda container with active tracing and off in every local run', () => {
    expect(tracingEnabled({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBe(true);
    expect(tracingEnabled({})).toBe(false);
  });
});

describe('inertTracer', () => {
  it('does what a disabled Powertools Tracer does for the calls the platform makes', () => {
    const client = { send: () => undefined };
    expect(inertTracer.isTracingEnabled()).toBe(false);
    expect(inertTracer.captureAWSv3Client(client)).toBe(client);
    expect(inertTracer.getSegment()).toBeUndefined();
    expect(() => inertTracer.putAnnotation('entity', 'students')).not.toThrow();
    expect(() => inertTracer.addErrorAsMetadata(new Error('x'))).not.toThrow();
  });
});
