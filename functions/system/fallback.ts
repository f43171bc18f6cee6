/** `$default` route — anything no route matched: 404, or 405 with Allow, as problem+json. */
import { MethodNotAllowedError, NotFoundError } from '../../shared/errors/app-error.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { createRouteTable } from '../../shared/http/route-table.js';
import { declarationOf, functions } from '../../shared/registry.js';

const routes = createRouteTable(functions);

export const handler = createHttpHandler({
  declaration: declarationOf('system-fallback'),
  handle: async ({ method, rawPath }) => {
    const resolution = routes.resolve(method, rawPath);
    if (resolution.kind === 'methodNotAllowed') throw new MethodNotAllowedError(resolution.allow);
    throw new NotFoundError('route.notFound', 'No route matches this path; see /docs for the API.');
  },
});
