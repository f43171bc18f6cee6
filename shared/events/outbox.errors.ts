import { PayloadTooLargeError } from '../errors/app-error.js';

/**
 * An event whose PutEvents entry would exceed EventBridge's 256 KB: refused before its outbox
 * row commits, because the publisher could never deliver it (`event.tooLarge`).
 */
export class OutboxEventTooLargeError extends PayloadTooLargeError {
  constructor(type: string, id: string, bytes: number, limit: number) {
    super('event.tooLarge', `The ${type} event would be ${bytes} bytes; EventBridge accepts at most ${limit}.`, { type, id, bytes, limit });
  }
}
