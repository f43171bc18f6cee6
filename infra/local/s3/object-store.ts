import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { S3Error } from './s3-error.js';

/** What S3 keeps about an object besides its bytes. */
export interface ObjectMeta {
  key: string;
  /** Data file name under the bucket's `data/` folder (a new one per write: commits are atomic). */
  file: string;
  size: number;
  /** Quoted, as S3 sends it: `"<md5 hex>"` or `"<md5 of part md5s>-N"`. */
  etag: string;
  lastModified: string;
  /** Content-Type, Content-Disposition, Cache-Control, … as sent on upload. */
  headers: Record<string, string>;
  /** `x-amz-meta-*` headers, names lower-cased. */
  metadata: Record<string, string>;
  checksum?: { algorithm: string; value: string };
}

export type CommitCondition = { ifNoneMatch?: string; ifMatch?: string };

/**
 * Buckets and objects on disk under `root` (`<bucket>/keys/<sha256(key)>.json` → metadata,
 * `<bucket>/data/<uuid>` → bytes) with the key index in memory, rebuilt from disk at start.
 * A write streams to `tmp/`, then one rename publishes it: readers never see half an object.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, { created: string; objects: Map<string, ObjectMeta>; sorted?: string[] }>();
  private commits: Promise<unknown> = Promise.resolve();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    for (const name of readdirSync(root)) {
      const bucketFile = path.join(root, name, 'bucket.json');
      if (!existsSync(bucketFile)) continue;
      const { created } = JSON.parse(readFileSync(bucketFile, 'utf8')) as { created: string };
      const objects = new Map<string, ObjectMeta>();
      for (const file of readdirSync(path.join(root, name, 'keys'))) {
        if (!file.endsWith('.json')) continue;
        const meta = JSON.parse(readFileSync(path.join(root, name, 'keys', file), 'utf8')) as ObjectMeta;
        objects.set(meta.key, meta);
      }
      this.buckets.set(name, { created, objects });
      sweep(path.join(root, name), objects);
    }
  }

  /** Creates the bucket; false when it already existed. */
  async createBucket(name: string): Promise<boolean> {
    if (!/^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..'))
      throw new S3Error('InvalidBucketName', { BucketName: name });
    if (this.buckets.has(name)) return false;
    for (const dir of ['keys', 'data', 'tmp', 'uploads']) mkdirSync(path.join(this.root, name, dir), { recursive: true });
    const created = new Date().toISOString();
    await writeFile(path.join(this.root, name, 'bucket.json'), JSON.stringify({ created }));
    this.buckets.set(name, { created, objects: new Map() });
    return true;
  }

  listBuckets(): { name: string; created: string }[] {
    return [...this.buckets].map(([name, { created }]) => ({ name, created })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async deleteBucket(name: string): Promise<void> {
    if (this.bucket(name).objects.size > 0) throw new S3Error('BucketNotEmpty', { BucketName: name });
    this.buckets.delete(name);
    await rm(path.join(this.root, name), { recursive: true, force: true });
  }

  /** Keys in UTF-8 binary order (S3's listing order). */
  sortedKeys(bucket: string): string[] {
    const entry = this.bucket(bucket);
    entry.sorted ??= [...entry.objects.keys()].sort(compareUtf8);
    return entry.sorted;
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  /** The object's metadata or NoSuchKey. */
  get(bucket: string, key: string): ObjectMeta {
    const meta = this.head(bucket, key);
    if (!meta) throw new S3Error('NoSuchKey', { Key: key });
    return meta;
  }

  dataPath(bucket: string, meta: Pick<ObjectMeta, 'file'>): string {
    return path.join(this.root, bucket, 'data', meta.file);
  }

  /** A fresh path to stream an upload into before {@link commit}. */
  tempPath(bucket: string): string {
    this.bucket(bucket);
    return path.join(this.root, bucket, 'tmp', randomUUID());
  }

  /**
   * Publishes `tempFile` as the object's new content. Commits run one at a time, so the
   * conditional write (`If-None-Match: *`, `If-Match`) and the index cannot race.
   */
  commit(bucket: string, tempFile: string, meta: Omit<ObjectMeta, 'file' | 'lastModified'>, condition: CommitCondition = {}): Promise<ObjectMeta> {
    const run = this.commits.then(async () => {
      const entry = this.bucket(bucket);
      const previous = entry.objects.get(meta.key);
      if ((condition.ifNoneMatch === '*' && previous) || (condition.ifMatch && (!previous || !etagMatches(condition.ifMatch, previous.etag)))) {
        await rm(tempFile, { force: true });
        if (condition.ifMatch && !previous) throw new S3Error('NoSuchKey', { Key: meta.key });
        throw new S3Error('PreconditionFailed', { Condition: condition.ifNoneMatch ? 'If-None-Match' : 'If-Match' });
      }
      const stored: ObjectMeta = { ...meta, file: randomUUID(), lastModified: new Date().toISOString() };
      await rename(tempFile, this.dataPath(bucket, stored));
      const metaFile = this.metaPath(bucket, meta.key);
      await writeFile(`${metaFile}.tmp`, JSON.stringify(stored));
      await rename(`${metaFile}.tmp`, metaFile);
      entry.objects.set(meta.key, stored);
      if (!previous) entry.sorted = undefined;
      // Open readers keep their descriptor: unlinking the old bytes never cuts a download.
      if (previous) await unlink(this.dataPath(bucket, previous)).catch(() => undefined);
      return stored;
    });
    this.commits = run.catch(() => undefined);
    return run;
  }

  /** Deletes the object (nothing to do when absent, like S3). */
  delete(bucket: string, key: string): Promise<void> {
    const run = this.commits.then(async () => {
      const entry = this.bucket(bucket);
      const previous = entry.objects.get(key);
      if (!previous) return;
      await unlink(this.metaPath(bucket, key));
      entry.objects.delete(key);
      entry.sorted = undefined;
      await unlink(this.dataPath(bucket, previous)).catch(() => undefined);
    });
    this.commits = run.catch(() => undefined);
    return run;
  }

  /** Folder of one multipart upload (its `upload.json` and `part-N` files). */
  uploadDir(bucket: string, uploadId: string): string {
    this.bucket(bucket);
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new S3Error('NoSuchUpload', { UploadId: uploadId });
    return path.join(this.root, bucket, 'uploads', uploadId);
  }

  async readJson<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private metaPath(bucket: string, key: string): string {
    return path.join(this.root, bucket, 'keys', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private bucket(name: string) {
    const entry = this.buckets.get(name);
    if (!entry) throw new S3Error('NoSuchBucket', { BucketName: name });
    return entry;
  }
}

/** Drops what a crash can leave behind: unfinished uploads in `tmp/`, bytes no key points to. */
function sweep(bucketDir: string, objects: Map<string, ObjectMeta>): void {
  rmSync(path.join(bucketDir, 'tmp'), { recursive: true, force: true });
  mkdirSync(path.join(bucketDir, 'tmp'));
  const live = new Set([...objects.values()].map((meta) => meta.file));
  for (const file of readdirSync(path.join(bucketDir, 'data'))) if (!live.has(file)) rmSync(path.join(bucketDir, 'data', file), { force: true });
}

/** S3 lists keys in the binary order of their UTF-8 bytes. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `If-Match`/`If-None-Match` value (a list, `*`, quoted or not) against a quoted ETag. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '');
    return value === '*' || value === etag || `"${value}"` === etag;
  });
}
