import * as z from 'zod/mini';

const entityId = z.string().check(z.minLength(1), z.maxLength(64), z.describe('The key of the item the event is about'));
const version = z.int().check(z.minimum(1), z.describe('The item version after the change (deleted: the last one stored)'));

/** The fields every stored item carries besides its declared ones (shared/entity/define-entity.ts). */
export const itemSystemFields = {
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version,
};

/**
 * The details of an entity's three change events, from the item as its events carry it (the
 * stored fields): `created` and `updated` carry the whole item after the write (`updated` also
 * the fields that changed), `deleted` the key and the last version.
 */
export function entityChanges<Item extends z.core.$ZodShape>(item: z.ZodMiniObject<Item>) {
  return {
    created: z.object({ id: entityId, item }),
    updated: z.object({ id: entityId, item, changed: z.array(z.string()).check(z.describe('Fields whose value the update changed')) }),
    deleted: z.object({ id: entityId, version }),
  };
}
