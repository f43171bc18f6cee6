import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray tracer; inert outside Lambda (no daemon), active with tracing enabled in AWS. */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'records-platform' });
