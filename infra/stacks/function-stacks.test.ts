import { describe, expect, it } from 'vitest';
import { functions } from '../../shared/registry.js';
import { functionStackId, functionStackOf } from './function-stacks.js';

describe('functionStackOf', () => {
  it('groups HTTP functions by the area folder of their entry', () => {
    expect(functionStackOf({ id: 'students-get', entry: 'functions/students/get.ts' })).toBe('students');
    expect(functionStackOf({ id: 'admin-metrics', entry: 'functions/admin/metrics.ts' })).toBe('admin');
    expect(functionStackId('students')).toBe('HttpStudents');
    expect(functionStackId('api-keys')).toBe('HttpApiKeys');
    expect(functionStackOf({ id: 'lab_results-get', entry: 'functions/lab_results/get.ts' })).toBe('lab_results');
    expect(functionStackId('lab_results')).toBe('HttpLabResults');
  });

  it('refuses an entry outside functions/<area>/', () => {
    expect(() => functionStackOf({ id: 'x', entry: 'functions/x.ts' })).toThrow(/x: entry 'functions\/x.ts' is not functions\/<area>\/<file>/);
    expect(() => functionStackOf({ id: 'y', entry: 'lib/y/z.ts' })).toThrow(/is not functions/);
  });

  it('places every registry function, in a handful of stacks of at most a few dozen functions', () => {
    const sizes = new Map<string, number>();
    for (const fn of functions) sizes.set(functionStackOf(fn), (sizes.get(functionStackOf(fn)) ?? 0) + 1);
    expect(sizes.size).toBeGreaterThan(1);
    expect(sizes.size).toBeLessThanOrEqual(12);
    for (const [area, size] of sizes) expect(size, area).toBeLessThanOrEqual(40);
  });
});
