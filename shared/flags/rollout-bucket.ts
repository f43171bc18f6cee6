import { createHash } from 'node:crypto';

/**
 * A user's stable position in [0, 100) for one flag: SHA-256 of `flag:userId`. The same user
 * always lands at the same point, so raising a percentage only adds users (bucket < pct).
 */
export function rolloutBucket(flag: string, userId: string): number {
  const digest = createHash('sha256').update(`${flag}:${userId}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}
