import { describe, expect, it } from 'vitest';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { authorizer, entities, functions, jwksCopier } from '../../shared/registry.js';
import { placementOf } from './function-placement.js';

const entityTables = new Set(entities.map((entity) => entity.name));
const byId = (id: string) => functions.find((fn) => fn.id === id)!;

describe('placementOf', () => {
  it('puts the authorizer in the isolated subnets: it uses Redis and reads the JWKS copy through the endpoint', () => {
    expect(placementOf(authorizer, entityTables)).toBe('isolated');
  });

  it('leaves the JWKS copier outside the VPC: it fetches the JWKS from the internet', () => {
    expect(placementOf(jwksCopier, entityTables)).toBe('outside');
  });

  it.each(functions.map((fn) => [fn.id, fn] as const))('puts HTTP function %s in the isolated subnets: the handler factory uses Redis', (_id, fn) => {
    expect(placementOf(fn, entityTables)).toBe('isolated');
  });

  it('covers the functions the cache issue names: entity functions, health and admin', () => {
    const named = functions.filter((fn) => fn.operation || fn.id === 'system-health' || fn.permission === 'admin');
    expect(named.length).toBeGreaterThan(5);
    for (const fn of named) expect(placementOf(fn, entityTables), fn.id).toBe('isolated');
    expect(placementOf(byId('system-health'), entityTables)).toBe('isolated');
  });

  it('leaves a Lambda without routes, revocations or entity tables outside the VPC', () => {
    const worker: LambdaDeclaration = { id: 'events-consumer', entry: 'functions/events/consumer.ts', description: 'x', tables: [] };
    expect(placementOf(worker, entityTables)).toBe('outside');
    expect(placementOf({ ...worker, tables: [{ table: 'students', actions: ['PutItem'] }] }, entityTables)).toBe('isolated');
    expect(placementOf({ ...worker, revocationList: true }, entityTables)).toBe('isolated');
  });
});
