import type { S3Client } from '@aws-sdk/client-s3';

/** The object a link names; `ResponseContentDisposition` makes a GET download as a named file. */
export interface PresignedObject {
  Bucket: string;
  Key: string;
  ResponseContentDisposition?: string;
}

/**
 * A presigned GET or PUT of one object. The S3 SDK and the presigner are imported by the first
 * link a container signs (~70 ms of CPU at init otherwise), so the functions that may sign one
 * (imports, export) pay nothing for them at cold start; later links find both loaded.
 */
export async function presignedUrl(client: S3Client, method: 'GET' | 'PUT', object: PresignedObject, expiresIn: number): Promise<string> {
  const [{ GetObjectCommand, PutObjectCommand }, { getSignedUrl }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
  const command = method === 'GET' ? new GetObjectCommand(object) : new PutObjectCommand({ Bucket: object.Bucket, Key: object.Key });
  return getSignedUrl(client, command, { expiresIn });
}
