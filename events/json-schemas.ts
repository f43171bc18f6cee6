import * as z from 'zod/mini';
import { eventCatalog, EVENT_TYPES } from './catalog.js';

/** Where the generated JSON Schema files live, relative to the repository root. */
export const SCHEMAS_DIR = 'events/schemas';

/**
 * The committed JSON Schema documents, file name → text: one per event type (the whole
 * envelope, as EventBridge delivers it in `detail`). Draft-04, the dialect the EventBridge
 * schema registry accepts (`JSONSchemaDraft4`).
 */
export function eventJsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of EVENT_TYPES) {
    const entry = eventCatalog[type];
    const schema = z.toJSONSchema(entry.envelope, { target: 'draft-04', io: 'output', override: dropSafeIntegerBounds });
    const document = {
      ...schema,
      $id: `https://schemas.records-platform.local/events/${type}/v${entry.version}.json`,
      title: type,
      description: entry.description,
      'x-eventbridge': { source: entry.source, 'detail-type': type },
    };
    files[`${type}.json`] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return files;
}

/** `z.int()` emits ±2^53-1 bounds that only add noise. */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}
