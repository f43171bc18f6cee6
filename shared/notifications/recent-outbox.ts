import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The newest `limit` lines of the local outbox file, newest first, read line by line: only a
 * ring of `limit` lines is ever held, never the whole file. Undefined when the file does not
 * exist. Unparseable lines are skipped; `keep` filters before the ring, so the newest `limit`
 * matching lines come back.
 */
export async function recentOutbox(
  file: string,
  limit: number,
  keep: (line: Record<string, unknown>) => boolean = () => true,
): Promise<Record<string, unknown>[] | undefined> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = await new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!opened) return undefined;
  const ring: Record<string, unknown>[] = [];
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a torn last line (a send in progress) is not a notification yet
    }
    if (!keep(parsed)) continue;
    ring.push(parsed);
    if (ring.length > limit) ring.shift();
  }
  return ring.reverse();
}
