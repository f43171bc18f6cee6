/** How Lambda reads a batch handler's answer (ReportBatchItemFailures). */
export type BatchOutcome =
  | { kind: 'success' }
  /** Every record is retried. */
  | { kind: 'failure'; reason: string }
  /** Only these item identifiers failed (message ids for SQS, sequence numbers for streams). */
  | { kind: 'partial'; failed: string[] };

/**
 * Interprets a handler's response as the Lambda event source mapping does: no response, no
 * or an empty `batchItemFailures` list means success; an identifier that is missing, empty,
 * under another key or not in the batch fails the whole batch.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function batchOutcome(response: unknown, identifiers: readonly string[]): BatchOutcome {
  // What Lambda sees is the JSON the runtime serialised.
  let parsed: unknown;
  try {
    const json = JSON.stringify(response);
    parsed = json === undefined ? null : JSON.parse(json);
  } catch {
    return { kind: 'failure', reason: 'the response is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'success' };
  const failures = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const known = new Set(identifiers);
  const failed: string[] = [];
  for (const failure of failures) {
    const id = failure && typeof failure === 'object' ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') return { kind: 'failure', reason: 'a batch item failure has no itemIdentifier' };
    if (!known.has(id)) return { kind: 'failure', reason: `itemIdentifier ${id} is not in the batch` };
    failed.push(id);
  }
  return { kind: 'partial', failed };
}
