import { PayloadTooLargeError, ValidationError } from '../errors/app-error.js';

/** The export outgrew the inline limit and no bucket for large exports is configured. */
export class ExportTooLargeError extends PayloadTooLargeError {
  constructor(limitBytes: number) {
    super(
      'export.tooLarge',
      `The export exceeds ${Math.round(limitBytes / 1024 / 1024)} MB, the most this deployment answers directly, and no bucket for large exports is configured; narrow it with filters (hometown, search).`,
      { limitBytes },
    );
  }
}

/** `format=` names no format this route offers (422 with the allowed values). */
export function unknownFormat(given: string, allowed: readonly string[]): ValidationError {
  return new ValidationError([{ loc: ['query', 'format'], msg: `Unknown format '${given}'; use one of ${allowed.join(', ')}`, type: 'enum' }]);
}
