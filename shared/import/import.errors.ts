import { BadRequestError, PayloadTooLargeError } from '../errors/app-error.js';

/**
 * The file cannot be imported as it is (wrong format, encoding, structure). The job fails with
 * `message`, which is written for the person who made the file: what is wrong and how to fix it.
 */
export class ImportFileError extends BadRequestError {
  constructor(reason: ImportFileProblem, message: string, context: Record<string, unknown> = {}) {
    super(`import.${reason}`, message, context);
  }
}

export type ImportFileProblem = 'empty' | 'noRows' | 'missingColumns' | 'binary' | 'encoding' | 'rowTooLarge' | 'malformed' | 'wrongFormat' | 'noSheet';

/** The file is over a configured limit (bytes, rows, uncompressed size, zip entries). */
export class ImportLimitError extends PayloadTooLargeError {
  constructor(limit: ImportLimitName, message: string, context: Record<string, unknown> = {}) {
    super(`import.limit.${limit}`, message, context);
  }
}

export type ImportLimitName = 'bytes' | 'rows' | 'uncompressedBytes' | 'zipEntries';
