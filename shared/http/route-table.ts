import { type FunctionDeclaration, type HttpMethod, servedRoutes } from '../entity/entity-functions.js';

export type RouteResolution =
  | { kind: 'found'; fn: FunctionDeclaration; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

interface CompiledRoute {
  fn: FunctionDeclaration;
  method: HttpMethod;
  path: string;
  pattern: RegExp;
  names: string[];
}

/**
 * Matches requests to registered routes the way API Gateway HTTP APIs do (`{name}` is one
 * path segment). Used by the local gateway and by the `$default` fallback function, so a
 * wrong path or method gets the same 404/405 locally and in AWS. HEAD routes exist for every
 * GET route; OPTIONS goes to any function of the path, whose CORS middleware answers it.
 */
export function createRouteTable(functions: readonly FunctionDeclaration[]) {
  const routes: CompiledRoute[] = functions.flatMap((fn) =>
    servedRoutes(fn).map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param) return escapeRegExp(segment);
          names.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { fn, method: route.method, path: route.path, pattern: new RegExp(`^${source}/?$`), names };
    }),
  );

  return {
    resolve(method: string, path: string): RouteResolution {
      // API Gateway picks the most specific route: `/students/export` wins over `/students/{student_id}`.
      const onPath = routes.filter((route) => route.pattern.test(path)).sort((a, b) => a.names.length - b.names.length);
      if (onPath.length === 0) return { kind: 'notFound' };
      const route = onPath.find((candidate) => candidate.method === method) ?? (method === 'OPTIONS' ? onPath[0] : undefined);
      if (!route) {
        const allow: string[] = [...new Set(onPath.map((candidate) => candidate.method))];
        return { kind: 'methodNotAllowed', allow: [...allow, 'OPTIONS'] };
      }
      const values = route.pattern.exec(path)!.slice(1);
      const pathParameters: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParameters[name] = safeDecode(values[index]!);
      });
      return { kind: 'found', fn: route.fn, routeKey: `${route.method} ${route.path}`, pathParameters };
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
