/**
 * The ids an import has already accepted, each with the row that carried it ("first wins"),
 * in a flat open-addressing table of 64-bit string hashes: ~24 bytes per id in typed arrays
 * instead of ~100+ bytes and a GC-visible entry per id in a `Map`, and several times faster on
 * a million ids. Two different ids share a 64-bit hash with probability ~n²/2⁶⁵ (3·10⁻⁸ for
 * 1M ids); such a pair would be reported as a duplicate.
 */
export class IdRegistry {
  private high = new Uint32Array(1 << 12);
  private low = new Uint32Array(1 << 12);
  private rows = new Int32Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The row that first carried `id`, or 0 when it is new (and is now recorded at `row`). */
  claim(id: string, row: number): number {
    if ((this.count + 1) * 2 > this.rows.length) this.grow();
    const [h1, h2] = hash(id);
    const mask = this.rows.length - 1;
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const existing = this.rows[slot]!;
      if (existing === 0) {
        this.high[slot] = h1;
        this.low[slot] = h2;
        this.rows[slot] = row;
        this.count++;
        return 0;
      }
      if (this.high[slot] === h1 && this.low[slot] === h2) return existing;
    }
  }

  private grow(): void {
    const { high, low, rows } = this;
    const size = rows.length * 2;
    this.high = new Uint32Array(size);
    this.low = new Uint32Array(size);
    this.rows = new Int32Array(size);
    const mask = size - 1;
    for (let old = 0; old < rows.length; old++) {
      if (rows[old] === 0) continue;
      let slot = high[old]! & mask;
      while (this.rows[slot] !== 0) slot = (slot + 1) & mask;
      this.high[slot] = high[old]!;
      this.low[slot] = low[old]!;
      this.rows[slot] = rows[old]!;
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
