/**
 * A pattern EventBridge would refuse. `name` is the AWS error code (`__type` on the wire), so
 * the local bus answers with the same error type as AWS; `reason` is the rule compiler's text.
 */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
  constructor(
    readonly reason: string,
    readonly at: string,
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${at ? ` at ${at}` : ''}`);
  }
}
