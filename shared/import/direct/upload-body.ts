import { Readable } from 'node:stream';
import busboy from 'busboy';
import { BadRequestError, UnsupportedMediaTypeError } from '../../errors/app-error.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { formatBytes } from '../import-limits.js';
import { formatOf, type ImportFormat } from '../import-format.js';

/** Door 3's limit; bigger files go through the presigned upload (door 2). */
export const DIRECT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The uploaded file: a name whose extension names its format, and its bytes (≤ 5 MB). */
export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Raw body content types and the format each one is. */
const RAW_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/plain': 'csv',
  'application/vnd.ms-excel': 'csv',
  [XLSX_TYPE]: 'xlsx',
};

function tooLarge(bytes: number): ImportLimitError {
  return new ImportLimitError(
    'bytes',
    `The file is ${formatBytes(bytes)}, over the ${formatBytes(DIRECT_UPLOAD_MAX_BYTES)} limit of a direct upload. ` +
      'Upload bigger files with POST /api/v1/imports (presigned upload): it returns an upload URL, and GET /api/v1/imports/{import_id} follows the job.',
    { bytes, maxBytes: DIRECT_UPLOAD_MAX_BYTES, use: 'POST /api/v1/imports' },
  );
}

/**
 * The file of a direct upload: multipart/form-data field `file` (parsed by busboy as a stream,
 * stopped at the limit) or a raw CSV/XLSX body. 415 for any other content type, 413 past 5 MB
 * (pointing to the presigned upload), 400 for a form without a `file`.
 */
export async function readUploadedFile(input: { contentType: string | undefined; body: string | undefined; isBase64Encoded: boolean }): Promise<UploadedFile> {
  const fullType = input.contentType ?? '';
  const type = fullType.split(';')[0]!.trim().toLowerCase();
  const raw = input.body ?? '';
  const approxBytes = input.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (type === 'multipart/form-data') {
    if (approxBytes > DIRECT_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES) throw tooLarge(approxBytes);
    return readMultipart(fullType, Buffer.from(raw, input.isBase64Encoded ? 'base64' : 'utf8'));
  }
  const format = RAW_TYPES[type];
  if (!format) {
    throw new UnsupportedMediaTypeError(
      'import.unsupportedMediaType',
      `Send the file as multipart/form-data (field 'file'), or as the raw body with content type text/csv or ${XLSX_TYPE}.`,
      { contentType: type || null },
    );
  }
  if (approxBytes > DIRECT_UPLOAD_MAX_BYTES) throw tooLarge(approxBytes);
  const bytes = Buffer.from(raw, input.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > DIRECT_UPLOAD_MAX_BYTES) throw tooLarge(bytes.length);
  return { name: `upload.${format}`, bytes };
}

function readMultipart(contentType: string, body: Buffer): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fileSize: DIRECT_UPLOAD_MAX_BYTES, fields: 20, parts: 25 } });
    } catch (error) {
      reject(new BadRequestError('import.malformedMultipart', `The multipart body cannot be read: ${(error as Error).message}`));
      return;
    }
    let found: Promise<UploadedFile> | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || found) {
        stream.resume();
        return;
      }
      found = new Promise((done, fail) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
        });
        stream.on('limit', () => fail(tooLarge(size + 1)));
        stream.on('error', fail);
        stream.on('end', () => {
          try {
            done({ name: fileNameOf(info.filename, info.mimeType), bytes: Buffer.concat(chunks) });
          } catch (error) {
            fail(error);
          }
        });
      });
      found.catch(() => undefined); // handled at 'close'; this only silences the wait
    });
    parser.on('error', (error: Error) => reject(new BadRequestError('import.malformedMultipart', `The multipart body cannot be read: ${error.message}`)));
    parser.on('close', () => {
      if (!found) reject(new BadRequestError('import.missingFile', "The form has no file in the field 'file'.", { field: 'file' }));
      else found.then(resolve, reject);
    });
    Readable.from([body]).pipe(parser);
  });
}

/** The part's file name when it names CSV or XLSX, else one from the part's content type. */
function fileNameOf(filename: string | undefined, mimeType: string): string {
  const base = (filename ?? '').split(/[\\/]/).pop()!.slice(-200);
  if (formatOf(base)) return base;
  const format = RAW_TYPES[mimeType.toLowerCase()];
  if (!format) throw new ImportFileError('wrongFormat', `Only .csv and .xlsx files can be imported; '${base || mimeType}' is neither.`);
  return `upload.${format}`;
}
