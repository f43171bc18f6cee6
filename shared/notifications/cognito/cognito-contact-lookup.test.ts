import { describe, expect, it } from 'vitest';
import { type CognitoAdminGetUser, type CognitoAdminGetUserRequest, cognitoContactLookup } from './cognito-contact-lookup.js';

const SUB = '7c1e9f0a-1111-4222-8333-444455556666';
const ENDPOINT = 'arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/shop-android/abc';
const user = (attributes: Record<string, string>, enabled = true) => ({
  Enabled: enabled,
  UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
});

function fakeCognito(answer: (request: CognitoAdminGetUserRequest) => ReturnType<CognitoAdminGetUser>) {
  const calls: CognitoAdminGetUserRequest[] = [];
  const adminGetUser: CognitoAdminGetUser = async (request) => (calls.push(request), answer(request));
  return { calls, adminGetUser };
}

describe('cognitoContactLookup', () => {
  it('asks AdminGetUser with the customer id (the token subject) as Username and maps verified attributes', async () => {
    const cognito = fakeCognito(async () =>
      user({
        sub: SUB,
        email: 'ada@example.com',
        email_verified: 'true',
        phone_number: '+4915112345678',
        phone_number_verified: 'true',
        'custom:push_endpoint': ENDPOINT,
      }),
    );
    const contacts = cognitoContactLookup(cognito.adminGetUser, { userPoolId: 'eu-west-1_Pool' });
    expect(await contacts.contactOf(SUB)).toEqual({ email: 'ada@example.com', phone: '+4915112345678', device: ENDPOINT });
    expect(cognito.calls).toEqual([{ UserPoolId: 'eu-west-1_Pool', Username: SUB }]);
  });

  it('leaves out an e-mail or phone that is not verified', async () => {
    const cognito = fakeCognito(async () => user({ email: 'ada@example.com', email_verified: 'false', phone_number: '+4915112345678' }));
    expect(await cognitoContactLookup(cognito.adminGetUser, { userPoolId: 'p' }).contactOf(SUB)).toEqual({});
  });

  it('caches per container: repeated and concurrent lookups of one customer cost one call until the max age passes', async () => {
    let now = 1_000;
    const cognito = fakeCognito(async () => user({ email: 'ada@example.com', email_verified: 'true' }));
    const contacts = cognitoContactLookup(cognito.adminGetUser, { userPoolId: 'p', maxAgeSeconds: 60, now: () => now });
    await Promise.all([contacts.contactOf(SUB), contacts.contactOf(SUB), contacts.contactOf(SUB)]);
    await contacts.contactOf(SUB);
    expect(cognito.calls).toHaveLength(1);
    await contacts.contactOf('other');
    expect(cognito.calls).toHaveLength(2);
    now += 61_000;
    await contacts.contactOf(SUB);
    expect(cognito.calls).toHaveLength(3);
  });

  it('gives a missing or disabled user no addresses', async () => {
    const missing = fakeCognito(async () => {
      throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
    });
    expect(await cognitoContactLookup(missing.adminGetUser, { userPoolId: 'p' }).contactOf(SUB)).toEqual({});
    const disabled = fakeCognito(async () => user({ email: 'ada@example.com', email_verified: 'true' }, false));
    expect(await cognitoContactLookup(disabled.adminGetUser, { userPoolId: 'p' }).contactOf(SUB)).toEqual({});
  });

  it('rethrows throttling and does not cache it: the next lookup asks again', async () => {
    let calls = 0;
    const adminGetUser: CognitoAdminGetUser = async () => {
      if (calls++ === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      return user({ email: 'ada@example.com', email_verified: 'true' });
    };
    const contacts = cognitoContactLookup(adminGetUser, { userPoolId: 'p' });
    await expect(contacts.contactOf(SUB)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(await contacts.contactOf(SUB)).toEqual({ email: 'ada@example.com' });
  });
});
