/** Adds a field to the Vary header once (case-insensitively), whatever spelling it had. */
export function addVary(headers: Record<string, string | number | boolean>, field: string): Record<string, string | number | boolean> {
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'vary') ?? 'vary';
  const present = String(headers[key] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (present.some((part) => part.toLowerCase() === field.toLowerCase() || part === '*')) return headers;
  return { ...headers, [key]: [...present, field].join(', ') };
}
