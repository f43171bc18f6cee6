import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createSchemaComponents, ref } from './schema-components.js';

describe('createSchemaComponents', () => {
  it('extracts schemas with a meta id into components and references them', () => {
    const item = z.object({ name: z.string() }).check(z.meta({ id: 'TestItem' }));
    const schemas = createSchemaComponents();
    const list = schemas.schema(z.object({ items: z.array(item) }), 'output');
    expect(list.properties?.items).toEqual({ type: 'array', items: ref('TestItem') });
    expect(schemas.all()).toEqual({ TestItem: expect.objectContaining({ required: ['name'] }) });
  });

  it('inlines a root with an id without keeping it as a component', () => {
    const schemas = createSchemaComponents();
    const query = schemas.inline(z.object({ page: z.optional(z.int()) }).check(z.meta({ id: 'TestQuery' })), 'input');
    expect(query.properties?.page).toEqual({ type: 'integer' });
    expect(schemas.all()).toEqual({});
  });

  it('drops the ±2^53 bounds zod adds to integers but keeps declared ones', () => {
    const schemas = createSchemaComponents();
    const converted = schemas.schema(z.object({ any: z.int(), small: z.int().check(z.minimum(1), z.maximum(9)) }), 'output');
    expect(converted.properties).toEqual({ any: { type: 'integer' }, small: { type: 'integer', minimum: 1, maximum: 9 } });
  });

  it('reads coerced numbers as their input type and transforms as any', () => {
    const schemas = createSchemaComponents();
    const converted = schemas.schema(z.object({ n: z.coerce.number(), t: z.pipe(z.string(), z.transform(Number)) }), 'input');
    expect(converted.properties?.n).toEqual({ type: 'number' });
    expect(converted.properties?.t).toEqual({ type: 'string' });
  });

  it('refuses one name that converts to two different schemas', () => {
    const schemas = createSchemaComponents();
    schemas.named('Same', z.object({ a: z.string() }), 'output');
    expect(() => schemas.named('Same', z.object({ b: z.string() }), 'output')).toThrow(/'Same' converts differently/);
  });

  it('sorts components by name', () => {
    const schemas = createSchemaComponents();
    schemas.named('Zeta', z.string(), 'output');
    schemas.named('Alpha', z.string(), 'output');
    expect(Object.keys(schemas.all())).toEqual(['Alpha', 'Zeta']);
  });
});
