import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors/app-error.js';

/** The entity with this id does not exist (`student.notFound`). */
export class EntityNotFoundError extends NotFoundError {
  constructor(singular: string, id: string) {
    super(`${singular}.notFound`, `${capitalize(singular)} '${id}' was not found.`, { id });
  }
}

/** Create with an id that is taken (`student.alreadyExists`). */
export class EntityAlreadyExistsError extends ConflictError {
  constructor(singular: string, id: string) {
    super(`${singular}.alreadyExists`, `${capitalize(singular)} '${id}' already exists.`, { id });
  }
}

/** If-Match named no version that is current (`student.versionMismatch`). */
export class EntityVersionMismatchError extends PreconditionFailedError {
  constructor(singular: string, id: string, expected: readonly number[], actual: number) {
    const named = expected.length === 0 ? 'no strong ETag of it' : `version ${expected.join(' or ')}`;
    super(`${singular}.versionMismatch`, `${capitalize(singular)} '${id}' is at version ${actual}; If-Match named ${named}. Fetch it again and retry.`, {
      id,
      expected,
      actual,
    });
  }
}

/** An unconditional write kept losing races to other writers (`student.writeConflict`). */
export class EntityWriteConflictError extends ConflictError {
  constructor(singular: string, id: string, attempts: number) {
    super(
      `${singular}.writeConflict`,
      `${capitalize(singular)} '${id}' is being changed by other requests; ${attempts} attempts lost the race. Retry shortly.`,
      { id, attempts },
    );
  }
}

/**
 * Store-level signal that a conditional write lost a race; the service decides whether to
 * retry (no If-Match) or report 412 (If-Match given).
 */
export class ConcurrentModificationError extends Error {
  constructor(readonly id: string) {
    super(`Concurrent modification of '${id}'.`);
    this.name = 'ConcurrentModificationError';
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * A path or file named no registered entity able to do what was asked (`entity.notFound`).
 * The name is only compared with the registry's entity names, never used to look a table up.
 */
export class UnknownEntityError extends NotFoundError {
  constructor(name: string, known: readonly string[], capability?: string) {
    const which = capability ? `entity that can ${capability}` : 'entity';
    super('entity.notFound', `There is no ${which} named '${name.slice(0, 64)}'; known: ${known.join(', ') || 'none'}.`, { name: name.slice(0, 64), known });
  }
}
