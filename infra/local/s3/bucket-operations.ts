import { listObjects } from './list-objects.js';
import { S3Error } from './s3-error.js';
import { type S3Context, type S3Request, sendXml } from './s3-request.js';
import { xmlDocument, xmlTexts } from './s3-xml.js';

const OWNER = { ID: 'local', DisplayName: 'local' };

/** ListBuckets (`GET /`). */
export function listBuckets(ctx: S3Context, target: S3Request): void {
  const buckets = ctx.store.listBuckets().map((bucket) => ({ Name: bucket.name, CreationDate: bucket.created }));
  sendXml(target, xmlDocument('ListAllMyBucketsResult', { Owner: OWNER, Buckets: { Bucket: buckets } }));
}

/** CreateBucket: 200 with Location; an existing bucket of ours answers 200 too (us-east-1 behaviour). */
export async function createBucket(ctx: S3Context, target: S3Request): Promise<void> {
  await ctx.store.createBucket(target.bucket);
  target.response.writeHead(200, { Location: `/${target.bucket}`, 'Content-Length': 0 });
  target.response.end();
}

/** HeadBucket: 200, or 404 with no body. */
export function headBucket(ctx: S3Context, target: S3Request): void {
  if (!ctx.store.hasBucket(target.bucket)) throw new S3Error('NoSuchBucket', { BucketName: target.bucket });
  target.response.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' });
  target.response.end();
}

/** DeleteBucket: only when empty (BucketNotEmpty otherwise). */
export async function deleteBucket(ctx: S3Context, target: S3Request): Promise<void> {
  await ctx.store.deleteBucket(target.bucket);
  target.response.writeHead(204);
  target.response.end();
}

/** ListObjectsV2 / ListObjects, GetBucketLocation (`?location`). */
export function getBucket(ctx: S3Context, target: S3Request): void {
  if (!ctx.store.hasBucket(target.bucket)) throw new S3Error('NoSuchBucket', { BucketName: target.bucket });
  if (target.query.has('location')) {
    sendXml(target, xmlDocument('LocationConstraint', {}));
    return;
  }
  const unsupported = ['uploads', 'versions', 'policy', 'acl', 'cors', 'lifecycle', 'notification', 'tagging', 'website', 'encryption', 'versioning'].find(
    (name) => target.query.has(name),
  );
  if (unsupported) throw new S3Error('NotImplemented', { Resource: `?${unsupported}` }, `The local S3 endpoint does not implement ?${unsupported}`);
  sendXml(target, listObjects(ctx.store, target.bucket, target.query));
}

/** DeleteObjects (`POST ?delete`): up to 1000 keys; `<Quiet>` omits the Deleted list. */
export async function deleteObjects(ctx: S3Context, target: S3Request): Promise<void> {
  if (!ctx.store.hasBucket(target.bucket)) throw new S3Error('NoSuchBucket', { BucketName: target.bucket });
  const chunks: Buffer[] = [];
  for await (const chunk of target.request as AsyncIterable<Buffer>) chunks.push(chunk);
  const xml = Buffer.concat(chunks).toString('utf8');
  const keys = xmlTexts(xml, 'Object').map((object) => xmlTexts(object, 'Key')[0]);
  if (keys.length === 0 || keys.length > 1000 || keys.some((key) => key === undefined)) throw new S3Error('MalformedXML');
  for (const key of keys) await ctx.store.delete(target.bucket, key!);
  const quiet = xmlTexts(xml, 'Quiet')[0]?.trim() === 'true';
  sendXml(target, xmlDocument('DeleteResult', { Deleted: quiet ? [] : keys.map((key) => ({ Key: key! })) }));
}
