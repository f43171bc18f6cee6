import type { StoredItem } from '../store/entity-store.js';
import type { Entity, EntityView } from './define-entity.js';

/**
 * The response view of an entity: stored plus derived fields, in declaration order (DynamoDB
 * returns attributes unordered), missing ones as null. Shared by the CRUD service and queries.
 */
export function entityView(entity: Entity): (item: StoredItem) => EntityView {
  const fieldOrder = Object.keys(entity.responseSchema.shape);
  return (item) => {
    const all: Record<string, unknown> = { ...item, ...entity.derive(item as never) };
    return Object.fromEntries(fieldOrder.map((field) => [field, all[field] ?? null])) as EntityView;
  };
}
