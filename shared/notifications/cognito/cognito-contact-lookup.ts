import { LRUCache } from 'lru-cache';
import type { Contact, ContactLookup } from '../notification.js';
import { sdkErrorName } from '../notifications.errors.js';

/** The part of Cognito `AdminGetUser` this lookup uses (a structural subset of `@aws-sdk/client-cognito-identity-provider`). */
export interface CognitoAdminGetUserRequest {
  UserPoolId: string;
  Username: string;
}
export interface CognitoAdminGetUserResponse {
  UserAttributes?: { Name: string | undefined; Value?: string | undefined }[];
  Enabled?: boolean;
}

/** PORT: `(request) => client.send(new AdminGetUserCommand(request))`. */
export type CognitoAdminGetUser = (request: CognitoAdminGetUserRequest) => Promise<CognitoAdminGetUserResponse>;

/** The user pool's custom attribute that holds the customer's SNS platform endpoint ARN (declared by infra/constructs/identity-provider.ts). */
export const PUSH_ENDPOINT_ATTRIBUTE_NAME = 'push_endpoint';
const PUSH_ENDPOINT_ATTRIBUTE = `custom:${PUSH_ENDPOINT_ATTRIBUTE_NAME}`;

export interface CognitoContactLookupOptions {
  /** `NOTIFICATIONS_USER_POOL_ID` */
  readonly userPoolId: string;
  /** How long a container reuses a customer's contact. @default 300 s */
  readonly maxAgeSeconds?: number;
  /** @default 1000 customers */
  readonly maxEntries?: number;
  /** Clock of the cache's max age, in ms (tests). @default performance.now */
  readonly now?: () => number;
}

/**
 * A customer's addresses from the Cognito user pool: `customer_id` is the token subject, which
 * AdminGetUser accepts as `Username`. E-mail and phone count only when verified; the push endpoint
 * is `custom:push_endpoint`. Lookups are cached per container (a customer with several events in
 * a burst costs one call) and concurrent lookups of one customer share one call. A user that does
 * not exist or is disabled has no addresses; throttling and other errors are rethrown (the event is
 * redelivered, nothing was claimed yet).
 */
export function cognitoContactLookup(adminGetUser: CognitoAdminGetUser, options: CognitoContactLookupOptions): ContactLookup {
  const cache = new LRUCache<string, Contact>({
    max: options.maxEntries ?? 1000,
    ttl: (options.maxAgeSeconds ?? 300) * 1000,
    // An injected clock is read every time (no 1 ms time caching).
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    fetchMethod: async (customerId) => {
      try {
        return contactFrom(await adminGetUser({ UserPoolId: options.userPoolId, Username: customerId }));
      } catch (error) {
        if (sdkErrorName(error) === 'UserNotFoundException') return {};
        throw error;
      }
    },
  });
  return {
    async contactOf(customerId) {
      return (await cache.fetch(customerId)) ?? {};
    },
  };
}

function contactFrom(user: CognitoAdminGetUserResponse): Contact {
  if (user.Enabled === false) return {};
  const attributes = new Map((user.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
  const verified = (name: string) => attributes.get(`${name}_verified`) === 'true';
  const email = attributes.get('email');
  const phone = attributes.get('phone_number');
  const device = attributes.get(PUSH_ENDPOINT_ATTRIBUTE);
  return {
    ...(email && verified('email') ? { email } : {}),
    ...(phone && verified('phone_number') ? { phone } : {}),
    ...(device ? { device } : {}),
  };
}
