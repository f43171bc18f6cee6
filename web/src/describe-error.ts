import { ApiError } from './api-client.js';
import { session } from './session.js';

/** A sentence a non-technical user can act on, for any failure of an API call. */
export function describeError(error: unknown, notFound = 'This student no longer exists. The list has been refreshed.'): string {
  if (!(error instanceof ApiError)) return 'The server could not be reached. Check your connection and try again.';
  const reference = error.problem?.request_id ? ` (reference ${error.problem.request_id})` : '';
  switch (error.status) {
    case 401:
      return 'Your session has ended. Please sign in again.';
    case 403:
      return `Your role (${session.get()?.role ?? 'none'}) is not allowed to do this. Ask an administrator if you need it.`;
    case 404:
      return notFound;
    case 429:
      return 'The server is busy. Please wait a moment and try again.';
    default:
      if (error.status >= 500) return `Something went wrong on the server. Please try again${reference}.`;
      return `${error.message}${reference}`;
  }
}
