import * as z from 'zod/mini';
import type { HealthReport } from '../health/health-check.js';

/** `GET /health`'s body for OpenAPI; checked against `HealthReport` at compile time. */
export const healthReportSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.enum(['ok', 'unavailable'])).check(z.describe('State of each dependency')),
  circuits: z
    .record(z.string(), z.enum(['closed', 'open', 'half-open']))
    .check(z.describe("This container's circuit breakers per dependency (dynamodb, cache, rateLimit, …), the worst of each")),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
// Fails the type check when HealthReport and this schema drift apart.
export type HealthReportMatches = AssertTrue<Same<HealthReport, z.infer<typeof healthReportSchema>>>;
