import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationChannel, NotificationMessage } from './notification.js';

/** Local adapter of every channel: one JSON line per message appended to `NOTIFICATIONS_OUTBOX_FILE`. */
export function outboxFileChannel(file: string, now: () => Date = () => new Date()): NotificationChannel {
  return {
    async send(message: NotificationMessage) {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify({ sent_at: now().toISOString(), ...message })}\n`);
    },
  };
}
