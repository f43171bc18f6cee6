const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Finds where CSV records end in a byte stream without decoding it: a line feed outside
 * double quotes ends a record (RFC 4180; an escaped `""` toggles twice). Because it works on
 * bytes, the offsets are exact byte positions, which CSV chunks and checkpoints are made of.
 */
export class RecordScanner {
  private inQuotes = false;

  /** Whether the bytes seen so far end inside a quoted field. */
  get open(): boolean {
    return this.inQuotes;
  }

  /** Offsets (relative to `chunk`) just after each record end in it, in order. */
  scan(chunk: Uint8Array, ends: number[] = []): number[] {
    let position = 0;
    const length = chunk.length;
    // The next quote is searched once and reused until passed: searching again after every
    // line feed would rescan the rest of a quote-free chunk for each row.
    let quote = chunk.indexOf(QUOTE);
    while (position < length) {
      if (this.inQuotes) {
        if (quote === -1) return ends;
        this.inQuotes = false;
        position = quote + 1;
        quote = chunk.indexOf(QUOTE, position);
        continue;
      }
      const newline = chunk.indexOf(LF, position);
      if (newline !== -1 && (quote === -1 || newline < quote)) {
        ends.push(newline + 1);
        position = newline + 1;
      } else if (quote !== -1) {
        this.inQuotes = true;
        position = quote + 1;
        quote = chunk.indexOf(QUOTE, position);
      } else {
        return ends;
      }
    }
    return ends;
  }
}
