/** Numbers per slot: high hash, low hash, row. */
const SLOT = 3;

/**
 * The ids an import has already accepted, each with the row that carried it ("first wins"),
 * in a flat open-addressing table of 64-bit string hashes: ~24 bytes per id in typed arrays
 * instead of ~100+ bytes and a GC-visible entry per id in a `Map`, and several times faster on
 * a million ids. Two different ids share a 64-bit hash with probability ~n²/2⁶⁵ (3·10⁻⁸ for
 * 1M ids); such a pair would be reported as a duplicate.
 */
export class IdRegistry {
  /** Per slot: [high hash, low hash, row] side by side, so a probe touches one cache line, not three arrays. */
  private table = new Uint32Array(SLOT * (1 << 12));
  private slots = 1 << 12;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The row that first carried `id`, or 0 when it is new (and is now recorded at `row`). */
  claim(id: string, row: number): number {
    if ((this.count + 1) * 2 > this.slots) this.grow();
    const [h1, h2] = hash(id);
    const table = this.table;
    const mask = this.slots - 1;
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const existing = table[at + 2]!;
      if (existing === 0) {
        table[at] = h1;
        table[at + 1] = h2;
        table[at + 2] = row;
        this.count++;
        return 0;
      }
      if (table[at] === h1 && table[at + 1] === h2) return existing;
    }
  }

  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    this.table = new Uint32Array(SLOT * this.slots);
    const mask = this.slots - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from + 2] === 0) continue;
      let slot = old[from]! & mask;
      while (this.table[slot * SLOT + 2] !== 0) slot = (slot + 1) & mask;
      const to = slot * SLOT;
      this.table[to] = old[from]!;
      this.table[to + 1] = old[from + 1]!;
      this.table[to + 2] = old[from + 2]!;
    }
  }
}

/** Two independent 32-bit FNV-1a style hashes of the UTF-16 code units. */
function hash(text: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  return [h1 >>> 0, (h2 ^ (h2 >>> 13)) >>> 0];
}
