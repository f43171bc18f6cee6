/**
 * DynamoDB's item size: attribute names plus values (strings as UTF-8, numbers ~ digits/2 + 1,
 * booleans and nulls 1 byte), as billed in 1 KB write units and 4 KB read units.
 */
export function itemSize(record: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number') bytes += Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
    else bytes += 1;
  }
  return bytes;
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Eventually consistent reads cost half a unit per 4 KB. */
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096)) / 2;
