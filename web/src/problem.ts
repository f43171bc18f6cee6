/** An RFC 9457 problem as the API sends it (`errors` on 422 only). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  errors?: { loc: (string | number)[]; msg: string; type: string }[];
}

export interface FieldErrors {
  /** Messages by field name (`loc` = `['body', field, …]`, or the part asked for). */
  byField: Map<string, string[]>;
  /** Messages that belong to no field of the form. */
  other: string[];
}

/**
 * Sorts a 422's `errors[].loc` onto the form fields they name; the rest stays general.
 * `part` is where the form's fields travel: the JSON body, or the query of a GET form.
 */
export function fieldErrors(problem: Problem | undefined, knownFields: readonly string[], part: 'body' | 'query' = 'body'): FieldErrors {
  const byField = new Map<string, string[]>();
  const other: string[] = [];
  for (const error of problem?.errors ?? []) {
    const [where, field] = error.loc;
    if (where === part && typeof field === 'string' && knownFields.includes(field)) {
      byField.set(field, [...(byField.get(field) ?? []), error.msg]);
    } else {
      other.push(error.loc.length > 0 ? `${error.loc.join('.')}: ${error.msg}` : error.msg);
    }
  }
  return { byField, other };
}
