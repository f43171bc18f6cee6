import { compareUtf8, type ObjectStore } from './object-store.js';
import { S3Error } from './s3-error.js';
import { s3UrlEncode } from './s3-url-encode.js';
import { xmlDocument, type XmlNode } from './s3-xml.js';

/**
 * ListObjectsV2 (and V1 when `list-type` is absent): prefix, delimiter (common prefixes count
 * towards max-keys, as in S3), max-keys ≤ 1000, start-after / marker, an opaque continuation
 * token, and `encoding-type=url` (the AWS CLI asks for it).
 */
export function listObjects(store: ObjectStore, bucket: string, query: URLSearchParams): string {
  const v2 = query.get('list-type') === '2';
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const encodingType = query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url')
    throw new S3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encodingType }, 'Invalid Encoding Method specified in Request');
  const maxKeysText = query.get('max-keys') ?? '1000';
  const maxKeys = Number(maxKeysText);
  if (!/^\d+$/.test(maxKeysText))
    throw new S3Error('InvalidArgument', { ArgumentName: 'max-keys', ArgumentValue: maxKeysText }, 'Provided max-keys not an integer or within integer range');
  const limit = Math.min(maxKeys, 1000);
  const token = query.get('continuation-token') ?? undefined;
  const startAfter = query.get(v2 ? 'start-after' : 'marker') ?? '';
  const resume = token !== undefined ? decodeToken(token) : { after: startAfter, skipPrefix: undefined };
  const encode = (value: string) => (encodingType === 'url' ? s3UrlEncode(value) : value);

  const contents: XmlNode[] = [];
  const commonPrefixes: string[] = [];
  let truncated = false;
  let last: { marker: string; isPrefix: boolean } | undefined;
  for (const key of store.sortedKeys(bucket)) {
    if (!key.startsWith(prefix) || compareUtf8(key, resume.after) <= 0) continue;
    if (resume.skipPrefix && key.startsWith(resume.skipPrefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    if (common && common === commonPrefixes.at(-1)) continue;
    if (contents.length + commonPrefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common) {
      commonPrefixes.push(common);
      last = { marker: common, isPrefix: true };
    } else {
      const meta = store.get(bucket, key);
      contents.push({ Key: encode(key), LastModified: meta.lastModified, ETag: meta.etag, Size: meta.size, StorageClass: 'STANDARD' });
      last = { marker: key, isPrefix: false };
    }
  }
  const next = truncated && last ? last : undefined;
  const body: XmlNode = {
    Name: bucket,
    Prefix: encode(prefix),
    ...(v2 ? {} : { Marker: encode(startAfter) }),
    ...(v2 && token !== undefined ? { ContinuationToken: token } : {}),
    ...(v2 && startAfter ? { StartAfter: encode(startAfter) } : {}),
    ...(v2 ? { KeyCount: contents.length + commonPrefixes.length } : {}),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    ...(encodingType ? { EncodingType: encodingType } : {}),
    IsTruncated: truncated,
    ...(next && v2 ? { NextContinuationToken: encodeToken(next) } : {}),
    ...(next && !v2 && delimiter ? { NextMarker: encode(next.marker) } : {}),
    Contents: contents,
    CommonPrefixes: commonPrefixes.map((value) => ({ Prefix: encode(value) })),
  };
  return xmlDocument('ListBucketResult', body);
}

function encodeToken(last: { marker: string; isPrefix: boolean }): string {
  return Buffer.from(JSON.stringify([last.marker, last.isPrefix])).toString('base64');
}

function decodeToken(token: string): { after: string; skipPrefix: string | undefined } {
  try {
    const [marker, isPrefix] = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as [unknown, unknown];
    if (typeof marker !== 'string') throw new Error('not a token');
    return { after: marker, skipPrefix: isPrefix ? marker : undefined };
  } catch {
    throw new S3Error('InvalidArgument', { ArgumentName: 'continuation-token', ArgumentValue: token }, 'The continuation token provided is incorrect');
  }
}
