import { globToRegExp } from './glob-pattern.js';
import type { L2Backend, L2Command, L2Reply } from './l2-backend.js';

type Slot = { kind: 'string'; value: string; expiresAt?: number } | { kind: 'hash'; fields: Map<string, number> };

/**
 * The L2 port in process memory, with Redis semantics for the commands the cache uses
 * (expiry, INCR of a missing key = 1, SCAN by glob). Locally, when no Redis answers, every
 * bundle of the local gateway shares one instance (they run in one process), so an
 * invalidation by the update function reaches the get function as it does through Redis.
 * Unit tests use their own instances.
 */
export class MemoryBackend implements L2Backend {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly now: () => number = Date.now) {}

  async exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    return commands.map((command) => this.apply(command));
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const slot = this.live(key);
    if (slot?.kind !== 'hash') return {};
    return Object.fromEntries([...slot.fields].map(([field, value]) => [field, String(value)]));
  }

  async mget(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.string(key));
  }

  async *scan(match: string): AsyncIterable<string[]> {
    const pattern = globToRegExp(match);
    const keys = [...this.slots.keys()].filter((key) => this.live(key) && pattern.test(key));
    for (let start = 0; start < keys.length; start += 500) yield keys.slice(start, start + 500);
  }

  async unlink(keys: readonly string[]): Promise<number> {
    return keys.filter((key) => this.live(key) && this.slots.delete(key)).length;
  }

  async evictedKeys(): Promise<number> {
    return 0;
  }

  onDisconnect(): void {
    // Memory never disconnects.
  }

  async close(): Promise<void> {
    // Nothing to release; the shared instance lives as long as the process.
  }

  private apply(command: L2Command): L2Reply {
    switch (command.op) {
      case 'mget':
        return command.keys.map((key) => this.string(key));
      case 'get':
        return this.string(command.key);
      case 'set':
        this.slots.set(command.key, { kind: 'string', value: command.value, expiresAt: this.now() + command.ttlMs });
        return 'OK';
      case 'incr': {
        const current = this.live(command.key);
        const next = Number(current?.kind === 'string' ? current.value : 0) + 1;
        if (!Number.isInteger(next)) throw new Error('ERR value is not an integer or out of range');
        this.slots.set(command.key, {
          kind: 'string',
          value: String(next),
          ...(current?.kind === 'string' && current.expiresAt ? { expiresAt: current.expiresAt } : {}),
        });
        return next;
      }
      case 'del':
        return this.live(command.key) && this.slots.delete(command.key) ? 1 : 0;
      case 'hincrby': {
        let slot = this.live(command.key);
        if (slot?.kind !== 'hash') {
          slot = { kind: 'hash', fields: new Map() };
          this.slots.set(command.key, slot);
        }
        const next = (slot.fields.get(command.field) ?? 0) + command.by;
        slot.fields.set(command.field, next);
        return next;
      }
    }
  }

  private string(key: string): string | null {
    const slot = this.live(key);
    return slot?.kind === 'string' ? slot.value : null;
  }

  /** The slot unless it expired (expired slots are dropped on sight, as Redis does lazily). */
  private live(key: string): Slot | undefined {
    const slot = this.slots.get(key);
    if (slot?.kind === 'string' && slot.expiresAt !== undefined && slot.expiresAt <= this.now()) {
      this.slots.delete(key);
      return undefined;
    }
    return slot;
  }
}

const SHARED = Symbol.for('records-platform.cache.memory-backend');

/** The process-wide in-memory L2 (one per Node process, whichever bundle asks first). */
export function sharedMemoryBackend(): MemoryBackend {
  const holder = globalThis as { [SHARED]?: MemoryBackend };
  return (holder[SHARED] ??= new MemoryBackend());
}
