/** `math_score` → `Math`, `average_score` → `Average`: chart labels from field names. */
export function subjectLabel(field: string): string {
  const base = field.replace(/_score$/, '').replace(/_/g, ' ');
  return base.charAt(0).toUpperCase() + base.slice(1);
}
