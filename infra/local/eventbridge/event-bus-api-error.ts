/**
 * An error answer of the EventBridge API: `code` goes out as `__type` (AWS JSON 1.1), which
 * the SDK and the CLI turn into the exception name (`ValidationException`, …).
 */
export class EventBusApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string) => new EventBusApiError('ValidationException', message);
export const resourceNotFound = (message: string) => new EventBusApiError('ResourceNotFoundException', message);
