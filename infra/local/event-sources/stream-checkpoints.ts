import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where a stream consumer stands on one shard. */
export interface ShardCheckpoint {
  /** The last sequence number processed; the shard is read from its start when absent. */
  after?: string;
  /** Closed and read to its end: never read again; its children may start. */
  finished?: boolean;
}

/**
 * The event source mapping's memory of a stream. Written only after an invocation succeeded,
 * so a consumer that dies first delivers the same records again when it restarts.
 */
export interface StreamCheckpointStore {
  /** Every shard's checkpoint; undefined when this stream was never read (starting position applies). */
  read(streamArn: string): Promise<Record<string, ShardCheckpoint> | undefined>;
  write(streamArn: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

/** Checkpoints kept in this process (tests, in-memory local runs). */
export function memoryCheckpoints(): StreamCheckpointStore {
  const streams = new Map<string, Record<string, ShardCheckpoint>>();
  return {
    read: async (streamArn) => (streams.has(streamArn) ? structuredClone(streams.get(streamArn)) : undefined),
    write: async (streamArn, shardId, checkpoint) => {
      streams.set(streamArn, { ...streams.get(streamArn), [shardId]: { ...checkpoint } });
    },
  };
}

/** Checkpoints in a JSON file beside the persisted DynamoDB Local data (`npm start`). */
export function fileCheckpoints(file: string): StreamCheckpointStore {
  const load = (): Record<string, Record<string, ShardCheckpoint>> => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
  return {
    read: async (streamArn) => load()[streamArn],
    write: async (streamArn, shardId, checkpoint) => {
      const all = load();
      all[streamArn] = { ...all[streamArn], [shardId]: { ...checkpoint } };
      mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: a crash mid-write leaves the previous checkpoint, never half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify(all, null, 2));
      renameSync(`${file}.tmp`, file);
    },
  };
}
