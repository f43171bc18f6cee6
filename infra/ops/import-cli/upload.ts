import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { CliError, describeFetchError } from './api-client.js';

/**
 * PUTs the file to the presigned URL as a stream (never whole in memory), with its
 * Content-Length (S3 refuses chunked presigned PUTs), calling `onBytes` as chunks leave.
 */
export async function uploadFile(url: string, method: string, file: string, size: number, onBytes: (sent: number) => void): Promise<void> {
  let sent = 0;
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  source.on('data', (chunk) => {
    sent += chunk.length;
    onBytes(sent);
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { 'content-length': String(size) },
      body: Readable.toWeb(source) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
  } catch (error) {
    source.destroy();
    throw new CliError(`upload failed after ${sent} of ${size} bytes: ${describeFetchError(error)}`);
  }
  if (!res.ok) {
    const text = await res.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1];
    throw new CliError(`upload failed: ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, res.status);
  }
  await res.body?.cancel();
}
