import type { ByteSource } from '../byte-source.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { formatBytes, type ImportLimits } from '../import-limits.js';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const EOCD_MIN = 22;
const TAIL = EOCD_MIN + 0xffff + 20;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

/** What a zip's central directory declares, read without inflating anything. */
export interface ZipDirectory {
  entries: number;
  uncompressedBytes: number;
  names: string[];
  /** Declared uncompressed size of each entry, in the order of `names`. */
  sizes: number[];
}

/**
 * Reads the central directory at the end of a zip (two small range reads) and refuses the
 * file BEFORE any entry is expanded when its declared entry count or total uncompressed size
 * is over the limits: a zip bomb costs a few KB of reading, not gigabytes of inflating.
 */
export async function checkZipDirectory(bytes: ByteSource, limits: ImportLimits): Promise<ZipDirectory> {
  if (bytes.size === 0) throw new ImportFileError('empty', 'The file is empty.');
  const tailStart = Math.max(0, bytes.size - TAIL);
  const tail = await readRange(bytes, tailStart, bytes.size);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at === -1) throw notAWorkbook();
  let entries = tail.readUInt16LE(at + 10);
  let directorySize = tail.readUInt32LE(at + 12);
  let directoryOffset = tail.readUInt32LE(at + 16);
  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = at - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) throw notAWorkbook();
    const record = await readRange(bytes, Number(tail.readBigUInt64LE(locator + 8)), Number(tail.readBigUInt64LE(locator + 8)) + 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw notAWorkbook();
    entries = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (entries > limits.maxZipEntries) {
    throw new ImportLimitError('zipEntries', `The workbook holds ${entries} zip entries (limit ${limits.maxZipEntries}); it is not a plain spreadsheet.`, {
      entries,
    });
  }
  if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > bytes.size) throw notAWorkbook();
  const directory = await readRange(bytes, directoryOffset, directoryOffset + directorySize);
  let uncompressedBytes = 0;
  const names: string[] = [];
  const sizes: number[] = [];
  let position = 0;
  for (let index = 0; index < entries; index++) {
    if (position + 46 > directory.length || directory.readUInt32LE(position) !== CENTRAL_ENTRY) throw notAWorkbook();
    let size = directory.readUInt32LE(position + 24);
    const nameLength = directory.readUInt16LE(position + 28);
    const extraLength = directory.readUInt16LE(position + 30);
    const commentLength = directory.readUInt16LE(position + 32);
    names.push(directory.toString('utf8', position + 46, position + 46 + nameLength));
    if (size === 0xffffffff) size = zip64Size(directory.subarray(position + 46 + nameLength, position + 46 + nameLength + extraLength));
    uncompressedBytes += size;
    sizes.push(size);
    position += 46 + nameLength + extraLength + commentLength;
  }
  if (uncompressedBytes > limits.maxUncompressedBytes) {
    throw new ImportLimitError(
      'uncompressedBytes',
      `The workbook would expand to ${formatBytes(uncompressedBytes)} (limit ${formatBytes(limits.maxUncompressedBytes)}); it was refused before opening it (a zip bomb, or far too big for one import).`,
      { uncompressedBytes, maxUncompressedBytes: limits.maxUncompressedBytes },
    );
  }
  return { entries, uncompressedBytes, names, sizes };
}

/** The uncompressed size from a zip64 extended-information extra field (it comes first there). */
function zip64Size(extra: Buffer): number {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001 && length >= 8) return Number(extra.readBigUInt64LE(at + 4));
    at += 4 + length;
  }
  throw notAWorkbook();
}

async function readRange(bytes: ByteSource, start: number, end: number): Promise<Buffer> {
  const stream = await bytes.open({ start, end });
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

function notAWorkbook(): ImportFileError {
  return new ImportFileError(
    'wrongFormat',
    'This file is not a valid XLSX workbook (its zip structure is missing or damaged). Save it again from Excel as "Excel Workbook (.xlsx)".',
  );
}
