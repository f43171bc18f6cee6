import { type FlagsDocument, flagsDocumentSchema } from './flag-rules.js';

/** A document parsed and validated, or the reason it is unusable (first issues, with their paths). */
export function parseFlagsDocument(raw: unknown): { document: FlagsDocument } | { error: string } {
  const parsed = flagsDocumentSchema.safeParse(raw);
  if (parsed.success) return { document: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { error: `invalid flags document: ${issues.join('; ')}` };
}
