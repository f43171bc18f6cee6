import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { type ContactLookup, syntheticContacts } from './notification.js';

/** `{ "<customer_id>": { "email": …, "phone": …, "device": … } }`; a missing field = no such address. */
const contactsFileSchema = z.record(z.string(), z.object({ email: z.optional(z.string()), phone: z.optional(z.string()), device: z.optional(z.string()) }));

/**
 * Local contacts from a JSON fixture (`NOTIFICATIONS_CONTACTS_FILE`), read once per cold start:
 * customers in it get exactly its addresses (leave one out to try the no-address path), everyone
 * else the synthetic ones. A bad file fails setup with the reason.
 */
export function fixtureContacts(file: string, fallback: ContactLookup = syntheticContacts): ContactLookup {
  const parsed = contactsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a contacts fixture: ${z.prettifyError(parsed.error)}`);
  const contacts = parsed.data;
  return {
    async contactOf(customerId) {
      return Object.hasOwn(contacts, customerId) ? contacts[customerId]! : fallback.contactOf(customerId);
    },
  };
}
