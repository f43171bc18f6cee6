import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { isSimpleAuthorizerResult, toAuthorizerEvent } from '../../infra/local/authorizer-event.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadLocalIdentity, mintLocalToken } from '../../infra/local/local-identity.js';
import { authorizer } from '../../shared/registry.js';
import { students } from '../../shared/students/students.entity.js';
import { apiEvent } from './api-event.js';
import { type LatencySummary, summarize } from './percentiles.js';

const WARMUP = 300;
const ITERATIONS = 2_000;

export interface AuthorizerOverhead {
  iterations: number;
  /** A token the container has not seen: RS256 verification against the JWKS, then the revocation check. */
  freshToken: LatencySummary;
  /** The same token again: the verification cache answers, the revocation check still runs. */
  sameToken: LatencySummary;
}

/**
 * The authorizer bundle (`functions/auth/authorizer.ts`) invoked in-process the way the
 * local gateway invokes it, with a valid JWT of the local identity provider verified against
 * its JWKS file (`AUTH_JWKS_FILE`) and the revocation list in the real Redis at `redisUrl`.
 * Fresh-token and same-token calls alternate; tokens are minted before timing. What this
 * leaves out: API Gateway's own cost of invoking a Lambda authorizer.
 */
export async function measureAuthorizer(redisUrl: string, prefix: string): Promise<AuthorizerOverhead> {
  const identity = await loadLocalIdentity();
  delete process.env.AUTH_JWKS_URL;
  Object.assign(process.env, {
    AUTH_JWKS_FILE: identity.jwksFile,
    AUTH_ISSUER: LOCAL_ISSUER,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
    REDIS_URL: redisUrl,
    AUTH_REDIS_PREFIX: `${prefix}auth:`,
  });
  bundleFunctions([authorizer]);
  const invoker = new LambdaInvoker(5_000);
  const request = apiEvent({ method: 'GET', route: students.routes.item, pathParameters: { student_id: 'C00001' } }) as unknown as APIGatewayProxyEventV2;
  const event = (token: string) => toAuthorizerEvent({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });

  const call = async (token: string) => {
    const input = event(token);
    const started = performance.now();
    const result = await invoker.invoke(authorizer, input);
    const elapsed = performance.now() - started;
    if (!isSimpleAuthorizerResult(result) || !result.isAuthorized || typeof result.context?.principal !== 'string') {
      throw new Error(`the authorizer did not identify the caller: ${JSON.stringify(result)}`);
    }
    return elapsed;
  };

  const fresh = await Promise.all(Array.from({ length: WARMUP + ITERATIONS }, (_, n) => mintLocalToken(identity, { sub: `bench-${n}` })));
  const same = await mintLocalToken(identity, { sub: 'bench-same' });
  const freshMs: number[] = [];
  const sameMs: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // Alternate which goes first, so drift and GC hit both alike.
    let freshElapsed: number;
    let sameElapsed: number;
    if (i % 2 === 0) {
      freshElapsed = await call(fresh[i]!);
      sameElapsed = await call(same);
    } else {
      sameElapsed = await call(same);
      freshElapsed = await call(fresh[i]!);
    }
    if (i < WARMUP) continue;
    freshMs.push(freshElapsed);
    sameMs.push(sameElapsed);
  }
  return { iterations: ITERATIONS, freshToken: summarize(freshMs), sameToken: summarize(sameMs) };
}
