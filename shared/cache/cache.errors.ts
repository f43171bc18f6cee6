import { ValidationError } from '../errors/app-error.js';

/** Pattern invalidation needs a pattern: an empty one would mean "everything" by accident. */
export class InvalidCachePatternError extends ValidationError {
  constructor(msg: string) {
    super([{ loc: ['pattern'], msg, type: 'value_error' }], msg);
  }
}
