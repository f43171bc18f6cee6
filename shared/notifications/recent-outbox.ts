import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The newest `limit` lines of the local outbox file, newest first, read line by line: only a
 * ring of `limit` lines is ever held, never the whole file. Undefined when the file does not
 * exist (the admin listing then needs an order id). Unparseable lines are skipped.
 */
export async function recentOutbox(file: string, limit: number): Promise<Record<string, unknown>[] | undefined> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = await new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!opened) return undefined;
  const ring: Record<string, unknown>[] = [];
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    try {
      ring.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      continue; // a torn last line (a send in progress) is not a notification yet
    }
    if (ring.length > limit) ring.shift();
  }
  return ring.reverse();
}
