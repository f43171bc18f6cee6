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

/**
 * PORT: one delivery channel (local: the outbox file; AWS: SES for e-mail, SNS for push and SMS).
 * Throws NotificationRejectedError when the provider refused this message for good; anything
 * else it throws is transient (the event is redelivered).
 */
export interface NotificationChannel {
  send(message: NotificationMessage): Promise<void>;
}

/** A customer's addresses; a missing one means that channel cannot reach them. */
export interface Contact {
  readonly email?: string;
  /** E.164 */
  readonly phone?: string;
  /** Push: an SNS platform endpoint ARN in AWS. */
  readonly device?: string;
}

/** PORT: a customer's addresses. Locally synthetic or a fixture file; in AWS the Cognito user's attributes. */
export interface ContactLookup {
  contactOf(customerId: string): Promise<Contact>;
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
