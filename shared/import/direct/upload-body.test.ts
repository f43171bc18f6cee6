import { describe, expect, it } from 'vitest';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { UnsupportedMediaTypeError } from '../../errors/app-error.js';
import { DIRECT_UPLOAD_MAX_BYTES, readUploadedFile } from './upload-body.js';

const BOUNDARY = '----bulk-import-test';
function multipart(parts: { name: string; filename?: string; type?: string; content: Buffer | string }[]): string {
  const chunks = parts.flatMap((part) => [
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`,
    Buffer.isBuffer(part.content) ? part.content.toString('latin1') : part.content,
    '\r\n',
  ]);
  return Buffer.from([...chunks, `--${BOUNDARY}--\r\n`].join(''), 'latin1').toString('base64');
}
const form = (body: string) => readUploadedFile({ contentType: `multipart/form-data; boundary=${BOUNDARY}`, body, isBase64Encoded: true });

describe('readUploadedFile', () => {
  it('takes the `file` part of a base64 multipart body byte for byte, ignoring other fields', async () => {
    const csv = Buffer.from('student_id,first_name\nA1,Nguyễn\n', 'utf8');
    const file = await form(
      multipart([
        { name: 'note', content: 'x' },
        { name: 'file', filename: 'C:\\roster.csv', type: 'text/csv', content: csv },
      ]),
    );
    expect(file.name).toBe('roster.csv');
    expect(file.bytes.equals(csv)).toBe(true);
  });

  it('names a part without a usable file name by its content type, and refuses other formats', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    expect((await form(multipart([{ name: 'file', filename: 'blob', type: xlsx, content: 'PK' }]))).name).toBe('upload.xlsx');
    await expect(form(multipart([{ name: 'file', filename: 'scan.pdf', type: 'application/pdf', content: '%PDF' }]))).rejects.toBeInstanceOf(ImportFileError);
    await expect(form(multipart([{ name: 'other', filename: 'a.csv', content: 'a' }]))).rejects.toMatchObject({ code: 'import.missingFile' });
  });

  it('stops a multipart file at 5 MB with a 413 naming the presigned upload', async () => {
    const big = Buffer.alloc(DIRECT_UPLOAD_MAX_BYTES + 1000, 'a');
    const error = await form(multipart([{ name: 'file', filename: 'big.csv', content: big }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportLimitError);
    expect((error as Error).message).toContain('POST /api/v1/imports');
  });

  it('reads raw CSV text and base64 XLSX bodies; other types are 415', async () => {
    expect(await readUploadedFile({ contentType: 'text/csv; charset=utf-8', body: 'a,b\n1,2\n', isBase64Encoded: false })).toMatchObject({
      name: 'upload.csv',
    });
    const raw = await readUploadedFile({
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: Buffer.from([0x50, 0x4b, 0xff]).toString('base64'),
      isBase64Encoded: true,
    });
    expect([...raw.bytes]).toEqual([0x50, 0x4b, 0xff]);
    await expect(readUploadedFile({ contentType: 'application/json', body: '{}', isBase64Encoded: false })).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    await expect(readUploadedFile({ contentType: undefined, body: 'a', isBase64Encoded: false })).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });
});
