import * as z from 'zod/mini';

/**
 * RFC 9457 problem+json as `toProblem` (shared/http/problem.ts) writes it. 5xx bodies carry
 * only type, title, status, request_id and timestamp.
 */
export const problemSchema = z.object({
  type: z.string().check(z.describe('Stable URN of the problem type: urn:records-platform:problem:<code>')),
  title: z.string().check(z.describe('HTTP reason phrase of the status')),
  status: z.int().check(z.describe('HTTP status code')),
  detail: z.optional(z.string().check(z.describe('What went wrong, for humans'))),
  instance: z.optional(z.string().check(z.describe('Request path'))),
  code: z.optional(z.string().check(z.describe('Stable machine-readable error code, e.g. student.notFound'))),
  request_id: z.string().check(z.describe('Also in the X-Request-Id header; quote it when reporting a problem')),
  timestamp: z.iso.datetime().check(z.describe('When the problem was answered, ISO-8601 UTC')),
  errors: z.optional(
    z
      .array(
        z.object({
          loc: z.array(z.union([z.string(), z.int()])).check(z.describe('Where: source (body, query, path) then the field path')),
          msg: z.string(),
          type: z.string().check(z.describe('Kind of failure, e.g. too_big, missing, extra_forbidden')),
        }),
      )
      .check(z.describe('One entry per invalid value (422 only)')),
  ),
});
