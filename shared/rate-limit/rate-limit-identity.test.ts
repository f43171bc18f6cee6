import { describe, expect, it } from 'vitest';
import { identityOf } from './rate-limit-identity.js';

describe('identityOf', () => {
  it('prefers the API key id over everything else', () => {
    expect(identityOf({ sub: 'ak_0123', role: 'viewer', method: 'api_key' }, '203.0.113.7')).toEqual({ kind: 'apiKey', value: 'ak_0123' });
  });

  it('uses the token subject for a user', () => {
    expect(identityOf({ sub: 'user-1', role: 'staff', method: 'jwt', jti: 'j-1' }, '203.0.113.7')).toEqual({ kind: 'user', value: 'user-1' });
  });

  it('falls back to the source IP without a principal (public routes)', () => {
    expect(identityOf(undefined, '203.0.113.7')).toEqual({ kind: 'ip', value: '203.0.113.7' });
    expect(identityOf(undefined, '2001:db8::1')).toEqual({ kind: 'ip', value: '2001:db8::1' });
  });

  it('puts requests without any source IP in one shared bucket', () => {
    expect(identityOf(undefined, undefined)).toEqual({ kind: 'ip', value: 'unknown' });
    expect(identityOf(undefined, '')).toEqual({ kind: 'ip', value: 'unknown' });
  });
});
