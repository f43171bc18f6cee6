import type { FlagName } from '../flags/flag-declarations.js';
import type { FlagContext } from '../flags/evaluate-flag.js';

/** The ways a customer can be told something. */
export const CHANNELS = ['email', 'push', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Which renderer wrote a message (`new_notification_pipeline`). */
export type Renderer = 'classic' | 'pipeline';

/** One rendered message for one channel and one address. */
export interface NotificationMessage {
  readonly channel: Channel;
  readonly to: string;
  readonly order_id: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly renderer: Renderer;
  readonly subject: string;
  readonly body: string;
}

/** PORT: one delivery channel (local: the outbox file; in AWS it would be SES / SNS — not built). */
export interface NotificationChannel {
  send(message: NotificationMessage): Promise<void>;
}

/** PORT: a customer's addresses. Locally synthetic; in AWS it would read the Cognito user's attributes. */
export interface ContactLookup {
  contactOf(customerId: string): Promise<{ email: string; phone: string; device: string }>;
}

/** The flag reads the planner needs (FeatureFlags satisfies it). */
export interface FlagReader {
  isEnabled(name: FlagName, context?: FlagContext): Promise<boolean>;
}

/** Synthetic addresses derived from the customer id (local runs and tests). */
export const syntheticContacts: ContactLookup = {
  async contactOf(customerId) {
    return { email: `${customerId}@customers.local`, phone: `+000-${customerId}`, device: `device-${customerId}` };
  },
};
