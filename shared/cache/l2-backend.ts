/** The few Redis commands the two-level cache needs, so a memory stand-in can implement them. */
export type L2Command =
  | { op: 'mget'; keys: string[] }
  | { op: 'get'; key: string }
  /** SET with an expiry in milliseconds (PX). */
  | { op: 'set'; key: string; value: string; ttlMs: number }
  | { op: 'incr'; key: string }
  | { op: 'del'; key: string }
  | { op: 'hincrby'; key: string; field: string; by: number };

export type L2Reply = string | number | null | (string | null)[];

/**
 * Shared second level behind every container's L1: Redis/Valkey in AWS, a process-wide
 * map locally when no Redis answers. Adapters translate nothing: any failure rejects.
 */
export interface L2Backend {
  /** Runs the commands in order in ONE round trip; rejects if any of them failed. */
  exec(commands: readonly L2Command[]): Promise<L2Reply[]>;
  hgetall(key: string): Promise<Record<string, string>>;
  mget(keys: readonly string[]): Promise<(string | null)[]>;
  /** Keys matching a glob, a batch at a time (SCAN: never blocks the server like KEYS). */
  scan(match: string): AsyncIterable<string[]>;
  /** Deletes keys (UNLINK: memory is freed in the background); resolves how many existed. */
  unlink(keys: readonly string[]): Promise<number>;
  /** Keys the server evicted under memory pressure (server-wide), 0 when unknown. */
  evictedKeys(): Promise<number>;
  /** Called whenever the connection drops: whatever happened meanwhile was not observed. */
  onDisconnect(listener: () => void): void;
  close(): Promise<void>;
}
