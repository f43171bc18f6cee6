/**
 * How S3 URL-encodes keys in event records and `encoding-type=url` listings: form encoding
 * (spaces become `+`), everything outside `A-Za-z0-9.-_*` and `/` percent-encoded as UTF-8
 * (`é` → `%C3%A9`). Decode with `decodeURIComponent(value.replace(/\+/g, ' '))`.
 */
export function s3UrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-_*/]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
