import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from './upload.js';

let server: Server;
let url: string;
let dir: string;
let file: string;
let received: { headers: IncomingMessage['headers']; body: Buffer } | undefined;
let answer: { status: number; body: string } = { status: 200, body: '' };
const content = Buffer.from('student_id,first_name\n'.repeat(30_000));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'upload-test-'));
  file = path.join(dir, 'roster.csv');
  writeFileSync(file, content);
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received = { headers: req.headers, body: Buffer.concat(chunks) };
    res.writeHead(answer.status, { 'content-type': 'application/xml' }).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key?X-Amz-Signature=abc`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploadFile', () => {
  it('streams the file with its Content-Length (not chunked) and reports bytes as they leave', async () => {
    answer = { status: 200, body: '' };
    const seen: number[] = [];
    await uploadFile(url, 'PUT', file, content.length, (sent) => seen.push(sent));
    expect(received!.headers['content-length']).toBe(String(content.length));
    expect(received!.headers['transfer-encoding']).toBeUndefined();
    expect(received!.body.equals(content)).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(content.length);
  });

  it('an S3 refusal becomes an error with its status, code and message', async () => {
    answer = {
      status: 403,
      body: '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>',
    };
    await expect(uploadFile(url, 'PUT', file, content.length, () => undefined)).rejects.toThrow(
      'upload failed: 403 SignatureDoesNotMatch: The request signature we calculated does not match',
    );
  });

  it('a connection dropped mid-upload is an upload failure naming how far it got', async () => {
    const dropper = createServer((req) => req.once('data', () => req.socket.destroy()));
    dropper.listen(0, '127.0.0.1');
    await once(dropper, 'listening');
    const at = `http://127.0.0.1:${(dropper.address() as AddressInfo).port}/x`;
    try {
      await expect(uploadFile(at, 'PUT', file, content.length, () => undefined)).rejects.toThrow(/^upload failed after \d+ of 660000 bytes: \S+/);
    } finally {
      dropper.close();
    }
  });
});
