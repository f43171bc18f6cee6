import { describe, expect, it } from 'vitest';
import { ruleMatcher } from './match-rule.js';
import { RATE_LIMIT_RULES, type RateLimitRule } from './rate-limit-rules.js';

const matchDefault = ruleMatcher(RATE_LIMIT_RULES);

describe('ruleMatcher with the default rules', () => {
  it.each([
    ['GET /api/v1/students', 'viewer', 'read'],
    ['HEAD /api/v1/students/{student_id}', 'viewer', 'read'],
    ['POST /api/v1/students', 'staff', 'write'],
    ['PATCH /api/v1/students/{student_id}', 'staff', 'write'],
    ['PUT /api/v1/students/{student_id}', 'staff', 'write'],
    ['DELETE /api/v1/students/{student_id}', 'admin', 'write'],
    ['GET /api/v1/admin/api-keys', 'admin', 'admin'],
    ['POST /api/v1/admin/tokens/revoke', 'admin', 'admin'],
    ['DELETE /api/v1/admin/api-keys/{key_id}', 'admin', 'admin'],
    ['GET /health', 'public', 'read'],
    ['GET /openapi.json', 'public', 'read'],
    ['GET $default', 'public', 'read'],
    ['POST $default', 'public', 'write'],
    ['OPTIONS $default', 'public', 'read'],
  ] as const)('%s (%s) → %s', (route, permission, rule) => {
    expect(matchDefault({ route, permission, identity: 'user' })?.id).toBe(rule);
  });
});

describe('ruleMatcher', () => {
  const rules: RateLimitRule[] = [
    { id: 'anonymous-import', routes: ['POST /api/v1/students'], identities: ['ip'], perMinute: 1, burst: 1 },
    { id: 'key-reads', routes: ['GET /api/v1/*'], identities: ['apiKey'], perMinute: 1_000, burst: 100 },
    { id: 'admin-only', routes: ['*'], permissions: ['admin'], perMinute: 5, burst: 1 },
    { id: 'students', routes: ['* /api/v1/students', '* /api/v1/students/*'], perMinute: 60, burst: 10 },
  ];
  const match = ruleMatcher(rules);

  it('takes the first rule whose route pattern, permission and identity kind all match', () => {
    expect(match({ route: 'POST /api/v1/students', permission: 'public', identity: 'ip' })?.id).toBe('anonymous-import');
    expect(match({ route: 'POST /api/v1/students', permission: 'staff', identity: 'user' })?.id).toBe('students');
    expect(match({ route: 'GET /api/v1/students', permission: 'viewer', identity: 'apiKey' })?.id).toBe('key-reads');
    expect(match({ route: 'GET /api/v1/students', permission: 'viewer', identity: 'user' })?.id).toBe('students');
    expect(match({ route: 'DELETE /api/v1/students/{student_id}', permission: 'admin', identity: 'user' })?.id).toBe('admin-only');
  });

  it('matches patterns against the whole route key, method included', () => {
    expect(match({ route: 'GET /api/v1/students/{student_id}', permission: 'viewer', identity: 'user' })?.id).toBe('students');
    expect(match({ route: 'GET /api/v1/studentsX', permission: 'viewer', identity: 'user' })).toBeUndefined();
  });

  it('leaves a request no rule matches unlimited', () => {
    expect(match({ route: 'GET /health', permission: 'public', identity: 'ip' })).toBeUndefined();
  });
});
