import type * as z from 'zod/mini';

/** What a {@link FieldValidator} returns when zod itself must decide (a failure, or a path it does not mirror). */
export const ASK_ZOD: unique symbol = Symbol('askZod');

/** The parsed value of one cell, or {@link ASK_ZOD}. */
export type FieldValidator = (value: unknown) => unknown;

interface Payload {
  value: unknown;
  issues: unknown[];
}

type Step = (payload: Payload) => boolean;

interface CheckInternals {
  check?: (payload: Payload) => unknown;
  def: { check?: string; when?: (payload: Payload) => boolean };
}

/**
 * The success path of a field's zod schema without zod's per-call machinery (context,
 * result and issue objects): the schema's own type test and its own check functions
 * (trim, lengths, regexes, refinements) run in zod's order on one reused payload, so a value
 * it accepts is exactly the value `safeParse` returns. Anything else (any issue, an async
 * check, a schema kind not mirrored here) answers {@link ASK_ZOD}: the caller then asks
 * `safeParse`, which gives the failure with zod's own message. Returns undefined when the
 * schema has nothing to mirror (use `safeParse` always).
 */
export function compileFieldValidator(schema: z.ZodMiniType): FieldValidator | undefined {
  const step = compile(schema);
  if (!step) return undefined;
  const payload: Payload = { value: undefined, issues: [] };
  return (value) => {
    // A fresh list after a failure: an async refinement may still push to the old one.
    if (payload.issues.length > 0) payload.issues = [];
    payload.value = value;
    return step(payload) ? payload.value : ASK_ZOD;
  };
}

function compile(schema: z.ZodMiniType): Step | undefined {
  const def = schema._zod.def as { type: string; coerce?: boolean; format?: string; checks?: { _zod: CheckInternals }[]; innerType?: z.ZodMiniType };
  if (def.coerce || def.format !== undefined) return undefined;
  const checks = compileChecks(def.checks ?? []);
  if (!checks) return undefined;
  let parse: Step;
  switch (def.type) {
    case 'string':
      parse = (payload) => typeof payload.value === 'string';
      break;
    case 'number':
      parse = (payload) => typeof payload.value === 'number' && Number.isFinite(payload.value);
      break;
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType);
      if (!inner) return undefined;
      parse = (payload) => payload.value === null || inner(payload);
      break;
    }
    case 'optional': {
      const inner = def.innerType && compile(def.innerType);
      if (!inner) return undefined;
      // An absent value may be replaced by an inner default: zod decides that case.
      parse = (payload) => payload.value !== undefined && inner(payload);
      break;
    }
    default:
      return undefined;
  }
  if (checks.length === 0) return parse;
  return (payload) => {
    if (!parse(payload)) return false;
    for (const check of checks) if (!check(payload)) return false;
    return true;
  };
}

/** zod's `runChecks` for a payload without issues: every check in order, `when` honoured; false at the first issue. */
function compileChecks(checks: { _zod: CheckInternals }[]): Step[] | undefined {
  const steps: Step[] = [];
  for (const { _zod: internals } of checks) {
    const run = internals.check;
    if (typeof run !== 'function') return undefined;
    const when = internals.def.when;
    steps.push((payload) => {
      if (when && !when(payload)) return true;
      const result = run(payload);
      return !(result instanceof Promise) && payload.issues.length === 0;
    });
  }
  return steps;
}
