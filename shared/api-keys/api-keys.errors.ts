import { NotFoundError } from '../errors/app-error.js';

/** No key with this id (`apiKey.notFound`). */
export class ApiKeyNotFoundError extends NotFoundError {
  constructor(keyId: string) {
    super('apiKey.notFound', `API key '${keyId}' was not found.`, { keyId });
  }
}
