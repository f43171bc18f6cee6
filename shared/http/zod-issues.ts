import type * as z from 'zod/mini';
import { type ErrorDetail, ValidationError } from '../errors/app-error.js';

export type InputSource = 'body' | 'query' | 'path' | 'header';

/** Body fields a schema leaves out on purpose, refused with a message saying why. */
export interface RefusedFields {
  /** Never changed once created (the entity id on update). */
  immutable?: readonly string[];
  /** Set only by their own use cases (stock levels), never by a create or update body. */
  readOnly?: readonly string[];
}

/**
 * zod issues → `errors[{loc, msg, type}]`. Unknown keys become one entry per key so a
 * client sees exactly which field to remove; `refused` fields say why they are refused.
 */
export function toErrorDetails(issues: z.core.$ZodIssue[], source: InputSource, refused: RefusedFields = {}): ErrorDetail[] {
  const immutable = refused.immutable ?? [];
  const readOnly = refused.readOnly ?? [];
  return issues.flatMap((issue): ErrorDetail[] => {
    const loc = [source, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        immutable.includes(key)
          ? { loc: [...loc, key], msg: `${key} cannot be changed`, type: 'immutable_field' }
          : readOnly.includes(key)
            ? { loc: [...loc, key], msg: `${key} is read-only: it changes only through its own operation`, type: 'read_only_field' }
            : { loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
      );
    }
    return [{ loc, msg: issue.message, type: issue.code }];
  });
}

/** Parses or throws a ValidationError located in `source`. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, source: InputSource, refused?: RefusedFields): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(toErrorDetails(result.error.issues, source, refused));
}
