/** Longest partial line kept between writes: a process printing without newlines must not grow it. */
const MAX_PENDING = 256 * 1024;

export interface StdoutTapOptions {
  /** Called with each complete line written to the stream (without its newline). */
  onLine: (line: string) => void;
  /** Whether a line (complete within one write) reaches the terminal. @default every line does */
  passThrough?: (line: string) => boolean;
  /** @default process.stdout */
  stream?: NodeJS.WritableStream & { write: (...args: never[]) => boolean };
}

/**
 * Sees every line written to `process.stdout` in this process: locally the bundles run in
 * the gateway's process, and Powertools Metrics writes its EMF lines there, as in Lambda
 * (where CloudWatch Logs turns them into metrics). Returns the function that removes the tap.
 */
export function tapStdout(options: StdoutTapOptions): () => void {
  const stream = (options.stream ?? process.stdout) as { write: (...args: unknown[]) => boolean };
  const original = stream.write;
  let pending = '';
  const tapped = function write(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    if (pending.length > MAX_PENDING) pending = '';
    for (const line of lines) {
      try {
        options.onLine(line);
      } catch {
        // A reader's bug must not break the process's output.
      }
    }
    if (!options.passThrough) return original.call(this, chunk, ...rest);
    const parts = text.split('\n');
    const tail = parts.pop() ?? '';
    const shown =
      parts
        .filter((line) => options.passThrough!(line))
        .map((line) => `${line}\n`)
        .join('') + tail;
    if (shown === '') {
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    }
    return original.call(this, shown === text ? chunk : shown, ...rest);
  };
  stream.write = tapped;
  return () => {
    if (stream.write === tapped) stream.write = original;
  };
}
