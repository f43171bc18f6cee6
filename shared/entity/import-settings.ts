/**
 * How files map onto an entity (`defineEntity({ import })`): the import pipeline reads these
 * and nothing else, so a second importable entity is a declaration, not new code.
 */
export interface ImportSettings {
  /**
   * Extra header spellings per field. Field names and aliases are matched ignoring case,
   * spaces, underscores, hyphens and dots ("Student ID" = "student_id" = "studentid").
   */
  aliases?: Readonly<Record<string, readonly string[]>>;
  /** Value used when the column is absent or the cell is empty (`hometown: 'Unknown'`). */
  defaults?: Readonly<Record<string, unknown>>;
  /** Fields whose unusable value (not a number, out of range…) becomes null with a warning instead of failing the row. */
  nullWhenInvalid?: readonly string[];
  /** Sheet read from a workbook; default: the sheet named after the entity, else the first. */
  sheet?: string;
}

/** Rejects settings that name fields the entity does not have (a typo would silently ignore a column). */
export function checkImportSettings(entityName: string, fields: readonly string[], settings: ImportSettings): void {
  const known = new Set(fields);
  const named = [...Object.keys(settings.aliases ?? {}), ...Object.keys(settings.defaults ?? {}), ...(settings.nullWhenInvalid ?? [])];
  for (const field of named) {
    if (!known.has(field)) throw new Error(`${entityName}: import settings name unknown field '${field}'`);
  }
}
